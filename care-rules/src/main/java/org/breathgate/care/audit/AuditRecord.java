package org.breathgate.care.audit;

import org.breathgate.care.Checks;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What happened, before it is sealed into the chain as an {@link AuditEntry}.
 *
 * @param at          when, kept to the millisecond
 * @param actor       the user id, or {@code system} for the receiver's own actions
 * @param action      what, e.g. {@code result.viewed} (see {@link AuditAction})
 * @param subjectType what kind of thing it was done to, e.g. {@code reading}, {@code consent}, {@code client}
 * @param subjectId   which one, e.g. {@code home-0001#41}
 * @param detail      anything else worth keeping (the decision code, the consent version); may be empty,
 *                    never a result value: the log outlives the results it mentions
 */
public record AuditRecord(Instant at, String actor, String action, String subjectType, String subjectId, String detail) {

    private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9_.]{0,63}");
    static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    public AuditRecord {
        Objects.requireNonNull(at, "at");
        if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
            throw new IllegalArgumentException("at must be between 1970 and 9999, was " + at);
        }
        at = at.truncatedTo(ChronoUnit.MILLIS);
        Checks.id("actor", actor);
        Objects.requireNonNull(action, "action");
        if (!ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException("action must be lower-case letters, digits, '_' and '.', was '" + action + "'");
        }
        Checks.id("subjectType", subjectType);
        Checks.id("subjectId", subjectId);
        Objects.requireNonNull(detail, "detail");
        Checks.optionalText("detail", detail, 4000);
    }

    /** A record of one of the standard actions. */
    public static AuditRecord of(Instant at, String actor, AuditAction action, String subjectType, String subjectId, String detail) {
        return new AuditRecord(at, actor, action.code(), subjectType, subjectId, detail);
    }
}
