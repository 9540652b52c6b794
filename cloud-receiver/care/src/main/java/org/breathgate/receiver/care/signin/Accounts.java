package org.breathgate.receiver.care.signin;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Role;
import org.breathgate.receiver.care.gate.Visit;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.UserAccount;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.care.signin.oidc.OidcProvider;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What managing sign-in changes, done inside an operation of the gate (a {@link Visit}, which has decided and records): an
 * account made with an invitation instead of a password, a new invitation (a forgotten password), an authenticator reset, an
 * identity provider's subject bound to an account, a parent's one-time code. The API ({@code PeopleAdmin}) and the admin
 * commands both come here, so a change reads the same in the audit log whoever made it.
 */
public final class Accounts {

    /** Audit actions. */
    public static final String AUDIT_INVITATION_CREATED = "invitation.created";
    public static final String AUDIT_SECOND_FACTOR_RESET = "second_factor.reset";

    private static final SecureRandom RANDOM = new SecureRandom();

    private Accounts() {
    }

    /**
     * A one-time code and when it lapses.
     *
     * @param code shown once (in a link for an account invitation), kept only as a hash
     */
    public record Invited(String code, Instant expiresAt) {
    }

    /** Makes {@code account} without a password and an invitation for it (audited {@code user.created}, {@code invitation.created}). */
    public static Invited createInvited(Visit visit, Actor account, String email, String language, String displayName) throws SQLException {
        UserAccount.checkEmail(email);
        String lang = UserAccount.checkLanguage(language);
        if (Users.find(visit.connection(), account.userId()).isPresent()) {
            throw new IllegalStateException("a user " + account.userId() + " exists already");
        }
        Users.insertWithoutPassword(visit.connection(), account, lang, visit.now());
        try (PreparedStatement u = visit.connection().prepareStatement("update care_users set email = ?, display_name = ? where id = ?")) {
            u.setString(1, email);
            u.setString(2, displayName);
            u.setString(3, account.userId());
            u.executeUpdate();
        }
        visit.record("user.created", "user", account.userId(), account.role().name()
                + (account.organisationId() == null ? "" : ", organisation " + account.organisationId())
                + (account.clientId() == null ? "" : ", client " + account.clientId()) + (email == null ? ", no e-mail" : ", e-mail set")
                + ", language " + lang + ", by invitation");
        return invite(visit, account.userId());
    }

    /** A new invitation link for {@code userId} (earlier unused ones are withdrawn); the person sets a new password with it. */
    public static Invited invite(Visit visit, String userId) throws SQLException {
        if (Users.find(visit.connection(), userId).isEmpty()) {
            throw new IllegalArgumentException("no user " + userId);
        }
        Instant now = visit.now();
        Invitations.withdraw(visit.connection(), userId, now);
        String code = Invitations.newCode(RANDOM);
        Invitations.insert(visit.connection(), code, "account", userId, null, visit.actor() == null ? "receiver" : visit.actor().userId(), now,
                Invitations.ACCOUNT_LIFETIME);
        visit.record(AUDIT_INVITATION_CREATED, "user", userId, "an invitation link, valid until " + now.plus(Invitations.ACCOUNT_LIFETIME));
        return new Invited(code, now.plus(Invitations.ACCOUNT_LIFETIME));
    }

    /** Removes {@code userId}'s authenticator and recovery codes: they set up a new one at their next sign-in. */
    public static void resetSecondFactor(Visit visit, String userId) throws SQLException {
        Users.setTotpSecret(visit.connection(), userId, null, null);
        try (PreparedStatement d = visit.connection().prepareStatement("delete from care_recovery_codes where user_id = ?")) {
            d.setString(1, userId);
            d.executeUpdate();
        }
        visit.record(AUDIT_SECOND_FACTOR_RESET, "user", userId, "authenticator and recovery codes removed");
    }

    /**
     * Binds {@code subject} ({@code kind} {@code sub}, {@code email} or {@code upn}) at the staff provider {@code provider} to
     * the worker, technician or administrator {@code userId}.
     */
    public static void bindStaff(Visit visit, List<OidcProvider> providers, String userId, String providerId, String kind, String subject)
            throws SQLException {
        OidcProvider provider = providers.stream().filter(p -> p.id().equals(providerId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no identity provider " + providerId + " is configured"));
        if (provider.audience() != OidcProvider.Audience.STAFF) {
            throw new IllegalArgumentException(providerId + " is for parents: they bind themselves with a one-time code");
        }
        if (!Set.of("sub", "email", "upn").contains(kind)) {
            throw new IllegalArgumentException("bind by sub, email or upn");
        }
        if (!kind.equals(provider.match().name().toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException(providerId + " names accounts by its " + provider.match().name().toLowerCase(java.util.Locale.ROOT)
                    + " claim (signin.oidc." + providerId + ".match): bind with that");
        }
        UserAccount user = Users.find(visit.connection(), userId).orElseThrow(() -> new IllegalArgumentException("no user " + userId));
        if (user.actor().role() == Role.PARENT) {
            throw new IllegalArgumentException(userId + " is a parent: parents bind themselves with a one-time code");
        }
        IdentityBindings.bind(visit.connection(), providerId, kind, subject, userId, visit.actor() == null ? "receiver" : visit.actor().userId(),
                visit.now());
        visit.record(ProviderSignIn.AUDIT_IDENTITY_BOUND, "user", userId, kind + " at " + providerId);
    }

    /** A one-time code for a parent of {@code clientId} to bind their strong identification with (a worker hands it over). */
    public static Invited parentCode(Visit visit, String clientId) throws SQLException {
        if (Clients.find(visit.connection(), clientId).isEmpty()) {
            throw new IllegalArgumentException("no client " + clientId);
        }
        Instant now = visit.now();
        String code = Invitations.newCode(RANDOM);
        Invitations.insert(visit.connection(), code, "parent_identity", null, clientId, visit.actor() == null ? "receiver"
                : visit.actor().userId(), now, Invitations.PARENT_LIFETIME);
        visit.record(AUDIT_INVITATION_CREATED, "client", clientId, "a parent's one-time code for strong identification, valid until "
                + now.plus(Invitations.PARENT_LIFETIME));
        return new Invited(code, now.plus(Invitations.PARENT_LIFETIME));
    }
}
