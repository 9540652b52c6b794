package org.breathgate.receiver.care.feedback;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.access.Role;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.gate.Visit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The parents' feedback on the service ("how is this working for you?"): optional, given on the parent's own page, and never
 * tied to a result — what is stored names no device, reading, alert or event ({@code care_parent_feedback}, V70), so an answer
 * cannot be read beside a test.
 *
 * <p>Who may do what (through the gate, every give and every read audited): a parent gives feedback about their own use; the
 * client's substance-abuse service reads its clients' feedback with their name (a parent may ask to be contacted); an
 * administrator reads all of it without who gave it (for developing the service). Feedback is the parent's word to their
 * service like a support request, so a refusal is audited as {@link Operation#VIEW_SUPPORT_REQUESTS}; child-protection
 * workers and technicians read none.
 */
public final class ParentFeedback {

    /** The longest text kept (a few paragraphs). */
    public static final int MAX_WORDS = 2000;
    /** How many the reading page lists, newest first. */
    static final int LIST_LIMIT = 200;

    /** The scale's answers, with pictures and words on the page. */
    public enum Feeling {
        GOOD, MIXED, BAD;

        /** The stored and posted name: {@code good}, {@code mixed}, {@code bad}. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The answer named {@code code}, or {@code null} for none. */
        public static Feeling of(String code) {
            if (code == null || code.isBlank()) {
                return null;
            }
            for (Feeling f : values()) {
                if (f.code().equals(code.strip())) {
                    return f;
                }
            }
            throw new IllegalArgumentException("no such answer: " + code);
        }
    }

    /**
     * What a parent says: at least one of the three.
     *
     * @param feeling       the scale's answer, or {@code null}
     * @param words         their own text, or {@code null}
     * @param contactWanted whether they would like someone to contact them about it
     */
    public record Answer(Feeling feeling, String words, boolean contactWanted) {
        public Answer {
            words = words == null || words.isBlank() ? null : words.strip();
            if (words != null && words.length() > MAX_WORDS) {
                throw new IllegalArgumentException("feedback text longer than " + MAX_WORDS + " characters");
            }
            if (feeling == null && words == null && !contactWanted) {
                throw new IllegalArgumentException("an empty answer: give a feeling, words or ask to be contacted");
            }
        }
    }

    /**
     * One piece of feedback as the service reads it.
     *
     * @param clientName the parent's name as workers see it, or {@code null} for an administrator
     */
    public record Given(String id, Instant givenAt, String organisationId, String clientId, String clientName, Feeling feeling,
                        String words, boolean contactWanted) {
    }

    private static final Set<Role> READERS = Set.of(Role.SUBSTANCE_ABUSE_WORKER, Role.ADMINISTRATOR);

    private final CareGate gate;

    public ParentFeedback(CareGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    /** Stores a parent's feedback about their own use; audited {@code feedback.given} (without its text). */
    public void give(Actor parent, Answer answer) {
        Objects.requireNonNull(answer, "answer");
        gate.run(parent, "storing feedback", visit -> {
            visit.requireRole(Set.of(Role.PARENT), Operation.VIEW_SUPPORT_REQUESTS, "feedback", "new");
            String clientId = parent.clientId();
            CaseContext context = CaseContexts.load(visit.connection(), clientId);
            visit.require(Operation.VIEW_SUPPORT_REQUESTS, context, "client", clientId);
            String id = UUID.randomUUID().toString();
            try (PreparedStatement s = visit.connection().prepareStatement("insert into care_parent_feedback (feedback_id, client_id, "
                    + "organisation_id, given_at_ms, feeling, words, contact_wanted) values (?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, id);
                s.setString(2, clientId);
                s.setString(3, context.client().substanceAbuseOrganisationId());
                s.setLong(4, visit.now().toEpochMilli());
                s.setString(5, answer.feeling() == null ? null : answer.feeling().code());
                s.setString(6, answer.words());
                s.setInt(7, answer.contactWanted() ? 1 : 0);
                s.executeUpdate();
            }
            visit.record("feedback.given", "feedback", id, "feeling=" + (answer.feeling() == null ? "-" : answer.feeling().code())
                    + "; words=" + (answer.words() == null ? "no" : "yes") + "; contact=" + (answer.contactWanted() ? "yes" : "no"));
            return null;
        });
    }

    /**
     * The feedback {@code reader} may read, newest first (at most {@value #LIST_LIMIT}): a substance-abuse worker their own
     * service's, with the parent's name; an administrator all, without who gave it. Anyone else is refused. Audited
     * ({@code feedback.viewed}).
     */
    public List<Given> read(Actor reader) {
        return gate.run(reader, "reading the parents' feedback", visit -> {
            visit.requireRole(READERS, Operation.VIEW_SUPPORT_REQUESTS, "feedback", "list");
            boolean worker = reader.role() == Role.SUBSTANCE_ABUSE_WORKER;
            Connection c = visit.connection();
            List<Given> out = new ArrayList<>();
            String sql = "select feedback_id, given_at_ms, organisation_id, client_id, feeling, words, contact_wanted "
                    + "from care_parent_feedback" + (worker ? " where organisation_id = ?" : "") + " order by given_at_ms desc, feedback_id "
                    + "limit " + LIST_LIMIT;
            try (PreparedStatement q = c.prepareStatement(sql)) {
                if (worker) {
                    q.setString(1, reader.organisationId());
                }
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Given(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4), null,
                                Feeling.of(rs.getString(5)), rs.getString(6), rs.getInt(7) == 1));
                    }
                }
            }
            List<Given> shown = new ArrayList<>();
            for (Given g : out) {
                if (worker) {
                    // The client must still be theirs (the same rule as their support requests): a handed-over client's feedback
                    // stays with the service it was given to, but only while the worker may know of the client.
                    CaseContext context = CaseContexts.load(c, g.clientId());
                    Decision d = visit.check(Operation.VIEW_SUPPORT_REQUESTS, context, null);
                    shown.add(new Given(g.id(), g.givenAt(), g.organisationId(), d.allowed() ? g.clientId() : null,
                            d.allowed() ? context.client().displayName() : null, g.feeling(), g.words(), g.contactWanted()));
                } else {
                    shown.add(new Given(g.id(), g.givenAt(), g.organisationId(), null, null, g.feeling(), g.words(), g.contactWanted()));
                }
            }
            visit.record("feedback.viewed", "feedback", "list", shown.size() + " entries");
            return List.copyOf(shown);
        });
    }
}
