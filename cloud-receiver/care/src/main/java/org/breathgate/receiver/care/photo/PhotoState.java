package org.breathgate.receiver.care.photo;

import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.PhotoAbsence;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.ReadingPhoto;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.evidence.db.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the timeline and the PDF report say about the photo of one reading: none (and the reason the
 * signed reading gives), not on the receiver, set aside (its bytes did not match the signed hash),
 * waiting for review, or reviewed (verdict, reviewer, time). Holds no picture, so it needs no access
 * check of its own: it is only ever built for readings the viewer already sees. The review note is
 * not part of it (it stays with the review, for the review page).
 *
 * @param kind    the state
 * @param absence for {@link Kind#NOT_TAKEN}, the reason from the signed reading; else {@code null}
 * @param review  for {@link Kind#REVIEWED}, the latest review; else {@code null}
 */
public record PhotoState(Kind kind, PhotoAbsence absence, PhotoService.Review review) {

    /** The states a reading's photo can be in. */
    public enum Kind {
        /** The reading says no photo was taken, and why. */
        NOT_TAKEN,
        /** The reading signs a photo that the receiver does not hold: not received yet, or deleted after its retention period. */
        NOT_RECEIVED,
        /** The photo that arrived did not match the hash in the signed reading: set aside, never shown as evidence. */
        SET_ASIDE,
        /** Stored, nobody has reviewed it yet. */
        WAITING,
        /** Stored and reviewed. */
        REVIEWED
    }

    public PhotoState {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.NOT_TAKEN) != (absence != null)) {
            throw new IllegalArgumentException("a reason for the missing photo goes with NOT_TAKEN only");
        }
        if ((kind == Kind.REVIEWED) != (review != null)) {
            throw new IllegalArgumentException("a review goes with REVIEWED only");
        }
    }

    /** Whether the receiver holds the photo (so whoever sees the reading may open it). */
    public boolean stored() {
        return kind == Kind.WAITING || kind == Kind.REVIEWED;
    }

    /** The kind in lower case ({@code not_taken}, {@code waiting}, …), for message keys and CSS classes. */
    public String kindName() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** The verdict in lower case ({@code matches}, {@code does_not_match}, {@code unclear}), or {@code null}. */
    public String verdictName() {
        return review == null ? null : review.verdict().wireName();
    }

    /** The reason in lower case ({@code camera_timeout}, …), or {@code null}. */
    public String absenceName() {
        return absence == null ? null : absence.wireName();
    }

    /** The key of an event in the maps below: {@code <device>#<seq>}. */
    public static String key(EvidenceEvent event) {
        return event.deviceId() + "#" + event.seq();
    }

    /**
     * The photo states of the readings among {@code events}, by {@link #key(EvidenceEvent)}. Events that
     * are not readings, and readings that make no statement about a photo (older devices), have none.
     */
    public static Map<String, PhotoState> of(Connection c, Collection<? extends EvidenceEvent> events) throws SQLException {
        Map<String, PhotoState> out = new HashMap<>();
        for (EvidenceEvent e : events) {
            if (e instanceof Reading r && r.photo() != null) {
                out.put(key(r), of(c, r));
            }
        }
        return out;
    }

    /** As {@link #of(Connection, Collection)}, in a read transaction of its own. */
    public static Map<String, PhotoState> load(Database database, Collection<? extends EvidenceEvent> events) {
        return Sql.read(database, "reading the photo states of " + events.size() + " events", c -> of(c, events));
    }

    private static PhotoState of(Connection c, Reading r) throws SQLException {
        if (r.photo() instanceof ReadingPhoto.NotTaken n) {
            return new PhotoState(Kind.NOT_TAKEN, n.reason(), null);
        }
        if (stored(c, r.deviceId(), r.seq())) {
            Optional<PhotoService.Review> review = PhotoService.review(c, r.deviceId(), r.seq());
            return review.map(v -> new PhotoState(Kind.REVIEWED, null, v)).orElseGet(() -> new PhotoState(Kind.WAITING, null, null));
        }
        return new PhotoState(setAside(c, r.deviceId(), r.seq()) ? Kind.SET_ASIDE : Kind.NOT_RECEIVED, null, null);
    }

    private static boolean stored(Connection c, String deviceId, long seq) throws SQLException {
        return exists(c, "select 1 from photos where device_id = ? and reading_seq = ?", deviceId, seq);
    }

    private static boolean setAside(Connection c, String deviceId, long seq) throws SQLException {
        return exists(c, "select 1 from photo_quarantine where device_id = ? and reading_seq = ? and reason = 'hash_mismatch'", deviceId, seq);
    }

    private static boolean exists(Connection c, String sql, String deviceId, long seq) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, deviceId);
            q.setLong(2, seq);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }
}
