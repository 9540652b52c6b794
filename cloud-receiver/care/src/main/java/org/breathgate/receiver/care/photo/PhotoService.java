package org.breathgate.receiver.care.photo;

import org.breathgate.receiver.care.gate.CareGate;
import java.util.Set;
import org.breathgate.receiver.care.gate.Visit;

import org.breathgate.receiver.evidence.photo.PhotoStore;
import org.breathgate.receiver.evidence.photo.StoredPhoto;

import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.AccessPolicy;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.access.Role;
import org.breathgate.care.alert.AlertCommand;
import org.breathgate.care.alert.AlertEngine;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.consent.EventTime;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.ReadingPhoto;
import org.breathgate.protocol.photo.Photos;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.evidence.store.StoredEvent;
import org.breathgate.receiver.care.alert.AlertStore;
import org.breathgate.receiver.care.people.DeviceAssignments;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Photos for signed-in people: viewing a test photo, the review queue, reviews, and each client's
 * reference photo. A test photo is shown exactly when its reading would be: the care core's
 * {@link AccessPolicy} decides {@link Operation#VIEW_RESULT} with the reading's time, so a
 * child-protection worker sees a photo only while a consent for results covers that test. Every
 * look, review and refusal is audited, in the same transaction as what it records. Reviews (and the
 * reference photos they compare against) are for the client's own substance-abuse service.
 */
public final class PhotoService {

    /** Audit actions of this feature. */
    public static final String PHOTO_VIEWED = "photo.viewed";
    public static final String PHOTO_REVIEWED = "photo.reviewed";
    public static final String REVIEW_QUEUE_VIEWED = "photo_review_queue.viewed";
    public static final String REFERENCE_ENROLLED = "reference_photo.enrolled";
    public static final String REFERENCE_VIEWED = "reference_photo.viewed";
    /** Longest review note. */
    public static final int MAX_NOTE = 2000;
    /** Largest reference photo accepted. */
    public static final int MAX_REFERENCE_BYTES = org.breathgate.protocol.PhotoChunk.MAX_PHOTO_BYTES;

    private final CareGate gate;
    private final PhotoStore store;
    private final AlertEngine engine;
    private final Runnable alertsStored;

    /**
     * @param alertsStored run after a review stored an alert (the receiver wakes its delivery worker with it, so the alert
     *                     goes out at once instead of at the next poll)
     */
    public PhotoService(CareGate gate, PhotoStore store, AlertEngine engine, Runnable alertsStored) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.store = Objects.requireNonNull(store, "store");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.alertsStored = Objects.requireNonNull(alertsStored, "alertsStored");
    }

    /** A test photo as shown: its bytes, and what the review says so far. */
    public record PhotoView(StoredPhoto photo, String clientId, byte[] jpeg, Optional<Review> review) {
    }

    /** The latest review of a photo. */
    public record Review(ReviewVerdict verdict, String note, String reviewer, Instant at) {
    }

    /** One photo waiting for review (no bytes: the page asks for them, and that look is audited). */
    public record QueueItem(String clientId, String clientName, StoredPhoto photo, boolean referenceEnrolled) {
    }

    // ------------------------------------------------------------------ viewing

    /**
     * The photo of reading {@code deviceId#seq}, when {@code actor} may see that reading.
     *
     * @return empty if there is no such photo (or its reading is not stored)
     * @throws AccessDeniedException (audited) when the reading is not visible to {@code actor}
     */
    public Optional<PhotoView> view(Actor actor, String deviceId, long seq) {
        return gate.run(actor, "showing the photo of " + deviceId + "#" + seq, visit -> {
            Connection c = visit.connection();
            Optional<Located> located = locate(c, deviceId, seq);
            if (located.isEmpty()) {
                return Optional.<PhotoView>empty();
            }
            Located l = located.get();
            Decision d = visit.require(Operation.VIEW_RESULT, l.context, l.time, "photo", l.photo.ref());
            byte[] jpeg = store.bytes(c, deviceId, seq).orElseThrow(() -> new IllegalStateException("photo " + l.photo.ref() + " vanished"));
            visit.record(PHOTO_VIEWED, "photo", l.photo.ref(), Visit.basis(d));
            return Optional.of(new PhotoView(l.photo, l.context.client().id(), jpeg, review(c, deviceId, seq)));
        });
    }

    /** The review state of the photo of {@code deviceId#seq} (for timelines and reports; no access check: no picture). */
    public static Optional<Review> review(Connection c, String deviceId, long seq) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select verdict, note, reviewer, reviewed_at_ms from photo_reviews"
                + " where device_id = ? and reading_seq = ?")) {
            q.setString(1, deviceId);
            q.setLong(2, seq);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(new Review(ReviewVerdict.valueOf(rs.getString(1)), rs.getString(2), rs.getString(3),
                        Instant.ofEpochMilli(rs.getLong(4)))) : Optional.empty();
            }
        }
    }

    // ------------------------------------------------------------------ review

    /**
     * The photos of the actor's organisation's clients that nobody has reviewed yet, oldest first.
     * Only for substance-abuse workers (identity review is their task); audited as one look at the list.
     */
    public List<QueueItem> reviewQueue(Actor actor) {
        return gate.run(actor, "reading the photo review queue", visit -> {
            Connection c = visit.connection();
            visit.requireRole(Set.of(Role.SUBSTANCE_ABUSE_WORKER), Operation.VIEW_RESULT, "photo", "review-queue");
            List<QueueItem> out = new ArrayList<>();
            for (StoredPhoto photo : unreviewed(c)) {
                Optional<Located> l = locate(c, photo.deviceId(), photo.readingSeq());
                if (l.isEmpty()) {
                    continue;
                }
                Decision d = visit.check(Operation.VIEW_RESULT, l.get().context, l.get().time);
                if (d.allowed()) {
                    String clientId = l.get().context.client().id();
                    out.add(new QueueItem(clientId, l.get().context.client().displayName(), photo, reference(c, clientId).isPresent()));
                }
            }
            visit.record(REVIEW_QUEUE_VIEWED, "organisation", actor.organisationId(), out.size() + " photos waiting");
            return List.copyOf(out);
        });
    }

    /**
     * Records {@code actor}'s review of the photo of {@code deviceId#seq}. "Does not match" raises a
     * {@code PHOTO_MISMATCH} alert in the same transaction. A later review replaces the earlier one;
     * every review is audited.
     *
     * @throws IllegalArgumentException if there is no such photo, or the note is too long
     * @throws AccessDeniedException (audited) unless {@code actor} is a substance-abuse worker of the client's service
     */
    public Review review(Actor actor, String deviceId, long seq, ReviewVerdict verdict, String note) {
        Objects.requireNonNull(verdict, "verdict");
        String text = note == null ? "" : note.strip();
        if (text.length() > MAX_NOTE) {
            throw new IllegalArgumentException("a review note has at most " + MAX_NOTE + " characters");
        }
        Review review = gate.run(actor, "reviewing the photo of " + deviceId + "#" + seq, visit -> {
            Connection c = visit.connection();
            Instant now = visit.now();
            Located l = locate(c, deviceId, seq).orElseThrow(() -> new IllegalArgumentException("no photo " + deviceId + "#" + seq));
            Decision d = visit.requirePhotoReview(l.context, l.time, l.photo.ref());
            try (PreparedStatement del = c.prepareStatement("delete from photo_reviews where device_id = ? and reading_seq = ?");
                 PreparedStatement ins = c.prepareStatement("insert into photo_reviews(device_id, reading_seq, verdict, note, reviewer,"
                         + " reviewed_at_ms) values (?,?,?,?,?,?)")) {
                del.setString(1, deviceId);
                del.setLong(2, seq);
                del.executeUpdate();
                ins.setString(1, deviceId);
                ins.setLong(2, seq);
                ins.setString(3, verdict.name());
                ins.setString(4, text);
                ins.setString(5, actor.userId());
                ins.setLong(6, now.toEpochMilli());
                ins.executeUpdate();
            }
            // The note is kept with the review, not in the audit log, which outlives the photo.
            visit.record(PHOTO_REVIEWED, "photo", l.photo.ref(), "verdict " + verdict.wireName() + "; " + Visit.basis(d));
            if (verdict == ReviewVerdict.DOES_NOT_MATCH) {
                List<AlertCommand> commands = engine.onPhotoMismatch(deviceId, seq, l.time, l.context, AlertStore.lookup(c), now);
                AlertStore.apply(c, commands, now);
            }
            return new Review(verdict, text, actor.userId(), now);
        });
        if (verdict == ReviewVerdict.DOES_NOT_MATCH) {
            alertsStored.run(); // after the commit: the delivery worker sees the alert's deliveries
        }
        return review;
    }

    // ------------------------------------------------------------------ reference photos

    /**
     * Enrolls {@code jpeg} as the client's reference photo (replacing any earlier one). For the client's
     * own substance-abuse service ({@link Operation#MANAGE_CLIENT}); audited.
     */
    public void enrollReference(Actor actor, String clientId, byte[] jpeg) {
        if (jpeg.length < 4 || jpeg.length > MAX_REFERENCE_BYTES || (jpeg[0] & 0xff) != 0xFF || (jpeg[1] & 0xff) != 0xD8
                || (jpeg[jpeg.length - 2] & 0xff) != 0xFF || (jpeg[jpeg.length - 1] & 0xff) != 0xD9) {
            throw new IllegalArgumentException("a reference photo is one complete JPEG of at most " + MAX_REFERENCE_BYTES + " bytes");
        }
        gate.run(actor, "enrolling the reference photo of " + clientId, visit -> {
            Connection c = visit.connection();
            Instant now = visit.now();
            CaseContext context = CaseContexts.load(c, clientId);
            Decision d = visit.require(Operation.MANAGE_CLIENT, context, "photo", clientId);
            try (PreparedStatement del = c.prepareStatement("delete from reference_photos where client_id = ?");
                 PreparedStatement ins = c.prepareStatement("insert into reference_photos(client_id, sha256, size, media_type, bytes,"
                         + " enrolled_by, enrolled_at_ms) values (?,?,?,?,?,?,?)")) {
                del.setString(1, clientId);
                del.executeUpdate();
                ins.setString(1, clientId);
                ins.setString(2, Photos.sha256Hex(jpeg));
                ins.setInt(3, jpeg.length);
                ins.setString(4, ReadingPhoto.JPEG);
                ins.setBytes(5, jpeg);
                ins.setString(6, actor.userId());
                ins.setLong(7, now.toEpochMilli());
                ins.executeUpdate();
            }
            visit.record(REFERENCE_ENROLLED, "client", clientId, Visit.basis(d));
            return null;
        });
    }

    /** The client's reference photo, for its own substance-abuse service ({@link Operation#MANAGE_CLIENT}); audited. */
    public Optional<byte[]> reference(Actor actor, String clientId) {
        return gate.run(actor, "showing the reference photo of " + clientId, visit -> {
            Connection c = visit.connection();
            CaseContext context = CaseContexts.load(c, clientId);
            Decision d = visit.require(Operation.MANAGE_CLIENT, context, "photo", clientId);
            Optional<byte[]> bytes = reference(c, clientId);
            if (bytes.isPresent()) {
                visit.record(REFERENCE_VIEWED, "client", clientId, Visit.basis(d));
            }
            return bytes;
        });
    }

    /** The client's reference photo, read inside a visit that already decided it may be seen (e.g. the client's export). */
    public static Optional<byte[]> reference(Connection c, String clientId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select bytes from reference_photos where client_id = ?")) {
            q.setString(1, clientId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        }
    }

    // ------------------------------------------------------------------ plumbing

    /** A stored photo with its reading's time and the case it belongs to. */
    private record Located(StoredPhoto photo, EventTime time, CaseContext context) {
    }

    private Optional<Located> locate(Connection c, String deviceId, long seq) throws SQLException {
        Optional<StoredPhoto> photo = store.find(c, deviceId, seq);
        Optional<StoredEvent> event = EvidenceReader.event(c, deviceId, seq);
        if (photo.isEmpty() || event.isEmpty() || !(event.get().event() instanceof Reading)) {
            return Optional.empty();
        }
        Instant at = event.get().attributionTime();
        Optional<String> client = DeviceAssignments.clientAt(c, deviceId, at);
        if (client.isEmpty()) {
            return Optional.empty(); // the device was lent to nobody then: nobody's photo to show
        }
        EventTime time = EventTime.of(event.get().event().clock(), event.get().receivedAt());
        return Optional.of(new Located(photo.get(), time, CaseContexts.load(c, client.get())));
    }

    private static List<StoredPhoto> unreviewed(Connection c) throws SQLException {
        List<StoredPhoto> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("select p.device_id, p.reading_seq, p.sha256, p.size, p.media_type, p.taken_at_ms,"
                + " p.stored_at_ms from photos p where not exists (select 1 from photo_reviews r where r.device_id = p.device_id"
                + " and r.reading_seq = p.reading_seq) order by p.taken_at_ms")) {
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredPhoto(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                            Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7))));
                }
            }
        }
        return out;
    }

}
