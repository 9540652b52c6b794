package org.breathgate.care.access;

import org.breathgate.care.Checks;

import java.util.Objects;

/**
 * Someone asking to do something: a signed-in user with one role.
 *
 * <p>Workers belong to one organisation: a substance-abuse worker to a substance-abuse service, a
 * child-protection worker to a child-protection unit. A parent is tied to their own client record
 * and belongs to no organisation. Technicians and administrators belong to no client organisation.
 *
 * @param userId         the user's id
 * @param role           the user's role
 * @param organisationId the worker's organisation, or {@code null} for the other roles
 * @param clientId       for a parent, their own client id; otherwise {@code null}
 */
public record Actor(String userId, Role role, String organisationId, String clientId) {

    public Actor {
        Checks.id("userId", userId);
        Objects.requireNonNull(role, "role");
        boolean worker = role == Role.SUBSTANCE_ABUSE_WORKER || role == Role.CHILD_PROTECTION_WORKER;
        if (worker) {
            Checks.id("organisationId", organisationId);
        } else if (organisationId != null) {
            throw new IllegalArgumentException(role + " belongs to no organisation, got " + organisationId);
        }
        if (role == Role.PARENT) {
            Checks.id("clientId", clientId);
        } else if (clientId != null) {
            throw new IllegalArgumentException("only a parent has a client id, not " + role);
        }
    }

    public static Actor substanceAbuseWorker(String userId, String serviceId) {
        return new Actor(userId, Role.SUBSTANCE_ABUSE_WORKER, serviceId, null);
    }

    public static Actor childProtectionWorker(String userId, String unitId) {
        return new Actor(userId, Role.CHILD_PROTECTION_WORKER, unitId, null);
    }

    public static Actor technician(String userId) {
        return new Actor(userId, Role.TECHNICIAN, null, null);
    }

    public static Actor administrator(String userId) {
        return new Actor(userId, Role.ADMINISTRATOR, null, null);
    }

    public static Actor parent(String userId, String clientId) {
        return new Actor(userId, Role.PARENT, null, clientId);
    }
}
