package org.breathgate.receiver.care.signin;

import com.nimbusds.openid.connect.sdk.claims.AMR;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Role;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.receiver.care.people.UserAccount;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.care.signin.oidc.OidcClient;
import org.breathgate.receiver.care.signin.oidc.OidcProvider;
import org.breathgate.receiver.care.signin.oidc.OidcRefusal;
import org.breathgate.receiver.evidence.db.Sql;
import org.bouncycastle.util.encoders.Base32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Signing in through an OpenID Connect identity provider: workers through their organisation's (Entra ID, Keycloak, ...),
 * parents through strong identification (Suomi.fi). What this decides, and audits through the {@link SignIn}'s gate:
 * <ul>
 *   <li>a flow is started with a fresh {@code state}, {@code nonce} and PKCE verifier, kept in the database
 *       ({@code care_signin_flows}, 10 minutes, so any receiver may finish it) and bound to the browser that started it;</li>
 *   <li>it finishes only once ({@code state} is deleted as it is read), in the same browser, with an ID token that
 *       {@link OidcClient} validated;</li>
 *   <li>a provider that must show multi-factor sign-in without {@code acr}/{@code amr} saying so is refused;</li>
 *   <li>only a subject an administrator bound (workers) or a parent bound with a one-time code signs in: nobody is created
 *       by signing in, and a subject bound at one provider is nobody at another;</li>
 *   <li>for parents only an HMAC of the personal identity code is kept ({@link SignInSecret#identityCodeHash}).</li>
 * </ul>
 */
public final class ProviderSignIn {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderSignIn.class);

    /** How long a started sign-in may take at the provider. */
    public static final Duration FLOW_LIFETIME = Duration.ofMinutes(10);
    /** Audit action of a subject bound to an account. */
    public static final String AUDIT_IDENTITY_BOUND = "identity.bound";

    private final SignIn signIn;
    private final Map<String, OidcClient> clients = new LinkedHashMap<>();
    private final URI redirect;
    private final URI afterLogout;
    private final SecureRandom random;
    private final Clock clock;

    /**
     * @param redirect    Breathgate's redirect URI, registered at every provider ({@code <web.public-url>/login/oidc/callback})
     * @param afterLogout where a provider sends the browser back after signing out there (registered too)
     */
    public ProviderSignIn(SignIn signIn, List<OidcProvider> providers, URI redirect, URI afterLogout, SecureRandom random, Clock clock) {
        this.signIn = Objects.requireNonNull(signIn, "signIn");
        for (OidcProvider p : providers) {
            clients.put(p.id(), new OidcClient(p));
        }
        this.redirect = Objects.requireNonNull(redirect, "redirect");
        this.afterLogout = Objects.requireNonNull(afterLogout, "afterLogout");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The providers, in configuration order. */
    public List<OidcProvider> providers() {
        return clients.values().stream().map(OidcClient::provider).toList();
    }

    public Optional<OidcProvider> provider(String id) {
        return Optional.ofNullable(clients.get(id)).map(OidcClient::provider);
    }

    /** The redirect URI to register at providers. */
    public URI redirectUri() {
        return redirect;
    }

    /**
     * A started sign-in.
     *
     * @param authorization where to send the browser
     * @param binding       the value of the short-lived cookie that ties the callback to this browser
     */
    public record Started(URI authorization, String binding) {
    }

    /** What the callback came to. */
    public sealed interface Result permits SignedIn, Refused {
        /** Where to go afterwards (a local path), or {@code null}. */
        String next();
    }

    /** Signed in as {@code actor} through {@code providerId}; keep {@code idToken} to sign out there. */
    public record SignedIn(Actor actor, String providerId, String idToken, String next) implements Result {
    }

    /** Refused for {@code reason} (a stable code: the page's text, the audit entry's detail). */
    public record Refused(String reason, String next) implements Result {
    }

    /**
     * Starts a sign-in through {@code providerId}.
     *
     * @param next           where to go after signing in (a local path), or {@code null}
     * @param invitationHash for a parent binding their identity: the hash of their one-time code ({@link #parentCodeUsable}),
     *                       else {@code null}
     * @throws OidcRefusal if the provider is unknown or cannot be reached
     */
    public Started start(String providerId, String next, String invitationHash, String language) throws OidcRefusal {
        OidcClient client = clients.get(providerId);
        if (client == null) {
            throw new OidcRefusal("unknown_provider", "no identity provider " + providerId);
        }
        String state = token();
        String nonce = token();
        String verifier = token() + token(); // 86 characters: RFC 7636 asks for 43-128
        String binding = token();
        URI authorization = client.authorizationUri(redirect, state, nonce, verifier, language);
        Instant now = clock.instant();
        Sql.write(signIn.database(), "starting a sign-in at " + providerId, c -> {
            try (PreparedStatement d = c.prepareStatement("delete from care_signin_flows where expires_at_ms <= ?")) {
                d.setLong(1, now.toEpochMilli());
                d.executeUpdate();
            }
            try (PreparedStatement i = c.prepareStatement("insert into care_signin_flows (state_hash, binding_hash, provider_id, nonce, "
                    + "code_verifier, next_path, invitation_hash, language, created_at_ms, expires_at_ms) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                i.setString(1, SignInSecret.sha256(state));
                i.setString(2, SignInSecret.sha256(binding));
                i.setString(3, providerId);
                i.setString(4, nonce);
                i.setString(5, verifier);
                i.setString(6, next);
                i.setString(7, invitationHash);
                i.setString(8, language);
                i.setLong(9, now.toEpochMilli());
                i.setLong(10, now.plus(FLOW_LIFETIME).toEpochMilli());
                i.executeUpdate();
            }
            return null;
        });
        return new Started(authorization, binding);
    }

    private record Flow(String providerId, String bindingHash, String nonce, String verifier, String next, String invitationHash) {
    }

    /**
     * Finishes a sign-in at the callback: {@code state}, {@code code} (or the provider's {@code error}) from the query, the
     * binding cookie of this browser, the client's address. Every refusal is audited ({@code login.refused}) and signs
     * nobody in.
     */
    public Result finish(String state, String code, String error, String binding, String source) {
        Instant now = clock.instant();
        Optional<Flow> found = state == null || state.length() > 200 ? Optional.empty() : take(state, now);
        if (found.isEmpty()) {
            return refused("state_unknown", "the state is unknown, used already or expired (a replayed or forged callback)", null, "unknown",
                    source);
        }
        Flow flow = found.get();
        if (binding == null || !SignInSecret.sha256(binding).equals(flow.bindingHash())) {
            return refused("browser_mismatch", "the callback came from another browser than the one that started the sign-in", flow.next(),
                    flow.providerId(), source);
        }
        if (error != null) {
            return refused("provider_error", "the provider answered " + error.replaceAll("[^A-Za-z0-9_.-]", "_"), flow.next(),
                    flow.providerId(), source);
        }
        if (code == null || code.isEmpty() || code.length() > 4096) {
            return refused("provider_error", "the callback has no code", flow.next(), flow.providerId(), source);
        }
        OidcClient client = clients.get(flow.providerId());
        if (client == null) {
            return refused("unknown_provider", "the provider " + flow.providerId() + " is no longer configured", flow.next(), flow.providerId(),
                    source);
        }
        OidcProvider provider = client.provider();
        OidcClient.Validated token;
        try {
            token = client.exchange(code, redirect, flow.verifier(), flow.nonce());
        } catch (OidcRefusal e) {
            return refused(e.reason(), e.getMessage(), flow.next(), provider.id(), source);
        }
        IDTokenClaimsSet claims = token.claims();
        if (provider.requireMfa() && !multiFactor(provider, claims)) {
            return refused("mfa_missing", "the ID token shows no multi-factor sign-in (acr " + claims.getACR() + ", amr " + claims.getAMR()
                    + ")", flow.next(), provider.id(), source);
        }
        try {
            Actor actor = provider.audience() == OidcProvider.Audience.STAFF ? staff(provider, claims)
                    : parent(provider, claims, flow.invitationHash(), now);
            signIn.gate().record(actor.userId(), AuditAction.LOGIN_SUCCEEDED.code(), "user", actor.userId(),
                    "oidc:" + provider.id() + (claims.getACR() == null ? "" : " acr " + claims.getACR()) + ", from " + source);
            return new SignedIn(actor, provider.id(), token.idToken(), flow.next());
        } catch (OidcRefusal e) {
            return refused(e.reason(), e.getMessage(), flow.next(), provider.id(), source);
        }
    }

    private Result refused(String reason, String detail, String next, String providerId, String source) {
        LOG.info("sign-in through {} refused ({}): {}", providerId, reason, detail);
        signIn.refused("provider", providerId, "oidc " + reason + ": " + shorten(detail), source);
        return new Refused(reason, next);
    }

    private static String shorten(String s) {
        return s == null ? "" : s.length() > 500 ? s.substring(0, 500) : s;
    }

    private static boolean multiFactor(OidcProvider provider, IDTokenClaimsSet claims) {
        if (claims.getACR() != null && provider.mfaAcr().contains(claims.getACR().getValue())) {
            return true;
        }
        List<AMR> amr = claims.getAMR();
        return amr != null && amr.stream().anyMatch(a -> provider.mfaAmr().contains(a.getValue()));
    }

    private Actor staff(OidcProvider provider, IDTokenClaimsSet claims) throws OidcRefusal {
        String kind;
        String subject;
        switch (provider.match()) {
            case EMAIL:
                kind = "email";
                subject = claims.getStringClaim("email");
                if (subject == null || !Boolean.TRUE.equals(claims.getBooleanClaim("email_verified"))) {
                    throw new OidcRefusal("unverified_email", "the ID token has no verified e-mail address");
                }
                break;
            case UPN:
                kind = "upn";
                subject = claims.getStringClaim("upn") != null ? claims.getStringClaim("upn") : claims.getStringClaim("preferred_username");
                if (subject == null) {
                    throw new OidcRefusal("unknown_subject", "the ID token has no upn or preferred_username");
                }
                break;
            default:
                kind = "sub";
                subject = claims.getSubject().getValue();
        }
        String s = subject;
        Optional<UserAccount> user = Sql.read(signIn.database(), "finding who signed in", c -> {
            Optional<String> id = IdentityBindings.find(c, provider.id(), kind, s);
            return id.isEmpty() ? Optional.<UserAccount>empty() : Users.find(c, id.get());
        });
        if (user.isEmpty() || user.get().actor().role() == Role.PARENT) {
            throw new OidcRefusal("unknown_subject", kind + " " + subject + " at " + provider.id() + " is bound to no worker here");
        }
        Actor actor = user.get().actor();
        if (actor.organisationId() != null && !provider.organisations().contains(actor.organisationId())) {
            throw new OidcRefusal("organisation_not_allowed", actor.userId() + " belongs to " + actor.organisationId() + ", which does not sign in through "
                    + provider.id());
        }
        return actor;
    }

    private Actor parent(OidcProvider provider, IDTokenClaimsSet claims, String invitationHash, Instant now) throws OidcRefusal {
        Object claim = claims.getClaim(provider.identityCodeClaim());
        if (!(claim instanceof String) || ((String) claim).isBlank()) {
            throw new OidcRefusal("identity_code_missing", "the ID token has no " + provider.identityCodeClaim() + " claim");
        }
        String hash = signIn.settings().secret().identityCodeHash((String) claim);
        String[] refusal = new String[2];
        Actor actor = signIn.gate().runAsReceiver("system", "signing a parent in through " + provider.id(), visit -> {
            Connection c = visit.connection();
            Optional<String> bound = IdentityBindings.find(c, provider.id(), "identity_code", hash);
            if (bound.isPresent()) {
                return Users.find(c, bound.get()).map(UserAccount::actor).orElse(null);
            }
            if (invitationHash == null) {
                refusal[0] = "unknown_subject";
                refusal[1] = "this identity at " + provider.id() + " is bound to no client here, and no one-time code came with it";
                return null;
            }
            Optional<Invitations.Invitation> invitation = Invitations.find(c, invitationHash);
            if (invitation.isEmpty() || !invitation.get().kind().equals("parent_identity") || !Invitations.use(c, invitationHash,
                    "identity at " + provider.id(), now)) {
                refusal[0] = "invitation_invalid";
                refusal[1] = "the one-time code is unknown, used already or expired";
                return null;
            }
            Actor parent = Actor.parent("parent-" + Base32.toBase32String(bytes(5)).toLowerCase(Locale.ROOT), invitation.get().clientId());
            Users.insertWithoutPassword(c, parent, UserAccount.DEFAULT_LANGUAGE, now);
            IdentityBindings.bind(c, provider.id(), "identity_code", hash, parent.userId(), "parent's one-time code", now);
            visit.record(AUDIT_IDENTITY_BOUND, "client", parent.clientId(), "parent account " + parent.userId() + " bound to their strong "
                    + "identification at " + provider.id() + " with a one-time code (only a keyed hash of the identity code is kept)");
            return parent;
        });
        if (actor == null) {
            throw new OidcRefusal(refusal[0] == null ? "unknown_subject" : refusal[0], refusal[1] == null ? "the bound account is gone" : refusal[1]);
        }
        return actor;
    }

    /**
     * Whether {@code code} is a parent's one-time code that can still be used; returns its hash for {@link #start} if so.
     * Throttled per address like passwords.
     */
    public Optional<String> parentCodeUsable(String code, String source) {
        if (code == null || code.isBlank() || code.length() > 64) {
            return Optional.empty();
        }
        String hash = Invitations.hash(code);
        Instant now = clock.instant();
        Throttle.Begun begun = signIn.throttle().begin("parent-code", source, now);
        if (!begun.decision().allowed()) {
            return Optional.empty();
        }
        boolean usable = Sql.read(signIn.database(), "checking a parent's code", c -> Invitations.find(c, hash)
                .filter(i -> i.kind().equals("parent_identity") && i.stateAt(now) == Invitations.State.USABLE).isPresent());
        if (usable) {
            signIn.throttle().succeeded("parent-code", source);
            return Optional.of(hash);
        }
        signIn.refused("invitation", "parent_code", "invitation_invalid: an unknown, used or expired one-time code", source);
        return Optional.empty();
    }

    /** Where to send the browser to end the session at its provider too, if the session began at one that supports it. */
    public Optional<URI> logoutAt(Session session) {
        if (session.providerId() == null || !clients.containsKey(session.providerId())) {
            return Optional.empty();
        }
        return clients.get(session.providerId()).logoutUri(session.idToken(), afterLogout);
    }

    private Optional<Flow> take(String state, Instant now) {
        String key = SignInSecret.sha256(state);
        return Sql.write(signIn.database(), "finishing a sign-in", c -> {
            Optional<Flow> flow = Optional.empty();
            try (PreparedStatement q = c.prepareStatement("select provider_id, binding_hash, nonce, code_verifier, next_path, invitation_hash, "
                    + "expires_at_ms from care_signin_flows where state_hash = ?")) {
                q.setString(1, key);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next() && now.toEpochMilli() < rs.getLong(7)) {
                        flow = Optional.of(new Flow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6)));
                    }
                }
            }
            // Used once, whatever comes of it: a replayed state finds nothing.
            try (PreparedStatement d = c.prepareStatement("delete from care_signin_flows where state_hash = ?")) {
                d.setString(1, key);
                if (d.executeUpdate() != 1) {
                    return Optional.<Flow>empty();
                }
            }
            return flow;
        });
    }

    private String token() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

}
