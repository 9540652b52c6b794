package org.breathgate.receiver.care.admin;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.care.access.Role;
import org.breathgate.care.alert.AlertRules;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.care.consent.ConsentHistory;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.PerMilleFactor;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.care.people.UserAccount;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.care.signin.Accounts;
import org.breathgate.receiver.care.signin.oidc.OidcProvider;

import java.util.List;
import java.util.Optional;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.receiver.care.schedule.DeviceConfigs;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Accounts and cases as the people who manage them change them through the API: administrators list and create accounts
 * ({@link Operation#MANAGE_USERS}), a substance-abuse worker opens a case in their own organisation
 * ({@link Operation#MANAGE_CLIENT}) and sets a client's threshold ({@link Operation#EDIT_ALERT_RULES}). Decided and audited
 * by the {@link CareGate} ({@code user.created}, {@code client.created}, {@code alert_rules.changed}, refusals).
 */
public final class PeopleAdmin {

    private final CareGate gate;
    private final Users users;
    private final Clients clients;
    private final Organisations organisations;
    private final DeviceConfigs configs;

    /** @param configs sends a changed threshold to the client's device at once */
    public PeopleAdmin(CareGate gate, Users users, Clients clients, Organisations organisations, DeviceConfigs configs) {
        this.configs = Objects.requireNonNull(configs, "configs");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.users = Objects.requireNonNull(users, "users");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.organisations = Objects.requireNonNull(organisations, "organisations");
    }

    /** Every account, in id order, for an administrator. */
    public List<UserAccount> users(Actor admin) {
        gate.look(admin, "listing users", visit -> visit.require(Operation.MANAGE_USERS, "users", "all"));
        return users.all();
    }

    /**
     * Refuses (audited) unless {@code admin} manages accounts: asked before a request to create one is even read, so only an
     * administrator learns what is wrong with it.
     */
    public void requireUserManager(Actor admin) {
        gate.look(admin, "managing users", visit -> visit.require(Operation.MANAGE_USERS, "users", "all"));
    }

    /**
     * Creates the account of {@code account} without a password, with an invitation link the person sets their own password
     * with (nobody else ever knows it): audited {@code user.created} and {@code invitation.created}.
     *
     * @throws org.breathgate.care.access.AccessDeniedException if {@code admin} may not manage users (audited)
     * @throws IllegalArgumentException if a worker's organisation or a parent's client does not exist, or the e-mail address
     *                                  or language is not usable
     * @throws IllegalStateException    if the user id is taken
     */
    public Accounts.Invited createUser(Actor admin, Actor account, String email, String language, String displayName) {
        gate.look(admin, "creating user " + account.userId(), visit -> visit.require(Operation.MANAGE_USERS, "users", "all"));
        if (account.role() == Role.SUBSTANCE_ABUSE_WORKER || account.role() == Role.CHILD_PROTECTION_WORKER) {
            OrganisationKind kind = account.role() == Role.SUBSTANCE_ABUSE_WORKER ? OrganisationKind.SUBSTANCE_ABUSE_SERVICE
                    : OrganisationKind.CHILD_PROTECTION_UNIT;
            if (organisations.find(account.organisationId()).map(Organisation::kind).filter(kind::equals).isEmpty()) {
                throw new IllegalArgumentException("organisation_id must name a " + kind.name().toLowerCase(Locale.ROOT).replace('_', ' '));
            }
        }
        if (account.role() == Role.PARENT && clients.find(account.clientId()).isEmpty()) {
            throw new IllegalArgumentException("client_id names no client");
        }
        return gate.run(admin, "creating the user " + account.userId(), visit -> {
            visit.require(Operation.MANAGE_USERS, "user", account.userId());
            return Accounts.createInvited(visit, account, email, language, displayName);
        });
    }

    /** A new invitation link for {@code userId} (a forgotten password): the old password stays until the link is used. */
    public Accounts.Invited invite(Actor admin, String userId) {
        return gate.run(admin, "inviting " + userId, visit -> {
            visit.require(Operation.MANAGE_USERS, "user", userId);
            return Accounts.invite(visit, userId);
        });
    }

    /** Binds an identity provider's subject to a worker's account ({@link Operation#MANAGE_USERS}). */
    public void bindIdentity(Actor admin, List<OidcProvider> providers, String userId, String providerId, String kind, String subject) {
        gate.run(admin, "binding an identity to " + userId, visit -> {
            visit.require(Operation.MANAGE_USERS, "user", userId);
            Accounts.bindStaff(visit, providers, userId, providerId, kind, subject);
            return null;
        });
    }

    /**
     * A one-time code for the parent of {@code clientId} to bind their strong identification with: for the client's
     * substance-abuse worker ({@link Operation#MANAGE_CLIENT}), handed over in person or printed.
     */
    public Accounts.Invited parentCode(Actor worker, String clientId) {
        return gate.run(worker, "making a parent's code for " + clientId, visit -> {
            visit.requireRole(Set.of(Role.SUBSTANCE_ABUSE_WORKER), Operation.MANAGE_CLIENT, "client", clientId);
            visit.require(Operation.MANAGE_CLIENT, CaseContexts.load(visit.connection(), clientId), "client", clientId);
            return Accounts.parentCode(visit, clientId);
        });
    }

    /**
     * Opens a case: a new client of {@code worker}'s own substance-abuse service.
     *
     * @throws org.breathgate.care.access.AccessDeniedException unless {@code worker} is a substance-abuse worker (audited)
     * @throws IllegalArgumentException if the id or name is not usable
     * @throws IllegalStateException    if the client id is taken
     */
    public Client openCase(Actor worker, String clientId, String displayName) {
        return gate.run(worker, "opening the case of " + clientId, visit -> {
            visit.requireRole(Set.of(Role.SUBSTANCE_ABUSE_WORKER), Operation.MANAGE_CLIENT, "client", clientId);
            Client client = Client.open(clientId, displayName, worker.organisationId());
            Decision d = visit.require(Operation.MANAGE_CLIENT, new CaseContext(client, AlertRules.defaults(), ConsentHistory.empty(clientId)),
                    "client", clientId);
            if (Clients.find(visit.connection(), clientId).isPresent()) {
                throw new IllegalStateException("a client " + clientId + " exists already");
            }
            Clients.insert(visit.connection(), client, visit.now());
            visit.record("client.created", "client", clientId, d.code().code() + "; organisation " + worker.organisationId());
            return client;
        });
    }

    /**
     * Sets the client's alert threshold and per-mille factor ({@code factor} {@code null}: keep the client's); alerts use it
     * from the next event on, and the device lent to the client gets it at once, in a new signed configuration with the
     * client's schedule on record (so the device asks for a retest at the threshold the receiver alerts at).
     */
    public Client setThreshold(Actor actor, String clientId, BreathAlcohol threshold, PerMilleFactor factor) {
        Object[] out = gate.run(actor, "changing the threshold of " + clientId, visit -> {
            CaseContext context = CaseContexts.load(visit.connection(), clientId);
            Decision d = visit.require(Operation.EDIT_ALERT_RULES, context, "client", clientId);
            Client before = context.client();
            Client after = before.withAlertThreshold(threshold).withPerMilleFactor(factor == null ? before.perMilleFactor() : factor);
            clients.update(visit.connection(), after);
            visit.record(AuditAction.ALERT_RULES_CHANGED.code(), "client", clientId, d.code().code() + "; threshold "
                    + before.alertThreshold().microgramsPerLitre() + " -> " + threshold.microgramsPerLitre() + " ug/L, factor "
                    + before.perMilleFactor().name() + " -> " + after.perMilleFactor().name());
            Optional<SignedMessage> config = configs.issue(visit.connection(), visit.now(), actor.userId(), clientId, null, null);
            return new Object[] {after, config};
        });
        @SuppressWarnings("unchecked")
        Optional<SignedMessage> config = (Optional<SignedMessage>) out[1];
        configs.publish(config);
        return (Client) out[0];
    }
}
