package org.breathgate.receiver.care.support;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.support.SupportRouting;
import org.breathgate.care.support.SupportRouting.Route;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.protocol.SupportReply;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.gate.Visit;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.schedule.DownlinkPublisher;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.evidence.store.StoredEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The service's side of a parent's support request (docs/protocol.md, "What a receiver does with support requests"): the
 * list of requests routed to a person ({@link SupportRouting}), opening one (the parent is told it was seen), closing it
 * (the parent is told it was dealt with), and the parent's own view of their requests. Each look, opening, closing and
 * refusal goes through the {@link CareGate}; after each opening or closing a new {@link SupportReply}, signed with the
 * receiver's key, is published retained on the device's {@code down/support_reply} topic.
 *
 * <p>The request stays in the evidence as the device signed it; what the service did is stored beside it
 * ({@code care_support_handling}).
 */
public final class SupportRequests {

    /** How far back the list of requests reaches: a week, as the reply's "seen in the last 7 days". */
    public static final Duration LIST_WINDOW = Duration.ofDays(7);
    /** A seen request stays in the device's reply this long, unless closed. */
    static final Duration SEEN_IN_REPLY = Duration.ofDays(7);
    /** A closed request stays in the device's reply this long (so a device offline for a while still hears it). */
    static final Duration CLOSED_IN_REPLY = Duration.ofDays(1);
    private static final int LIST_MAX = 200;
    private static final int NOTE_MAX = 2000;

    /** Where a request stands at the service. */
    public enum State {
        /** Nobody it was routed to has opened it yet. */
        OPEN,
        /** Someone opened it; the device was told. */
        SEEN,
        /** Someone closed it; the device was told. */
        CLOSED;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One support request as the service and the parent see it.
     *
     * @param need          what the parent chose; {@code null} for a request from an older device
     * @param needChosen    whether the parent chose (false: the device's default after no choice)
     * @param requestedAt   when the parent pressed the button (the event's attribution time)
     * @param route         where the need sent it
     * @param seenRole      who opened it, as the device was told (null while open)
     * @param closedRole    who closed it, as the device was told (null unless closed)
     * @param contactFrom   the contact time the device was told, if any
     * @param contactBefore the contact time the device was told, if any
     */
    public record Item(String deviceId, long seq, String clientId, String clientName, SupportNeed need, boolean needChosen,
                       Instant requestedAt, Route route, State state, Instant seenAt, SupportReply.Role seenRole, Instant closedAt,
                       SupportReply.Role closedRole, Instant contactFrom, Instant contactBefore) {

        /** {@code device#seq}: how the audit log names a request. */
        public String ref() {
            return deviceId + "#" + seq;
        }

        /** {@code call_me}, {@code help_now}, {@code device_problem}, or {@code none} for an older device's request. */
        public String needCode() {
            return need == null ? "none" : need.wireName();
        }
    }

    private final CareGate gate;
    private final MessageSigner signer;
    private final DownlinkPublisher downlink;

    /**
     * @param signer   signs replies with the receiver's current key ({@code receiver:N}), as configurations
     * @param downlink publishes them retained on the device's {@code down/support_reply} topic
     */
    public SupportRequests(CareGate gate, MessageSigner signer, DownlinkPublisher downlink) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.downlink = Objects.requireNonNull(downlink, "downlink");
    }

    /**
     * The support requests of the last {@link #LIST_WINDOW} routed to {@code actor} (their service's clients; device
     * problems for a technician), newest first. Each request shown is audited ({@code support_request.listed}). Someone
     * to whom no request can go (a child-protection worker, an administrator, a parent) is refused, audited.
     */
    public List<Item> listFor(Actor actor) {
        return gate.run(actor, "listing the support requests for " + actor.userId(), visit -> {
            visit.requireRole(java.util.Set.of(org.breathgate.care.access.Role.SUBSTANCE_ABUSE_WORKER,
                    org.breathgate.care.access.Role.TECHNICIAN), Operation.VIEW_SUPPORT_REQUESTS, "support-requests", actor.userId());
            Connection c = visit.connection();
            Map<String, CaseContext> contexts = new HashMap<>();
            List<Item> shown = new ArrayList<>();
            for (StoredEvent stored : EvidenceReader.ofTypeReceivedSince(c, MessageType.SUPPORT_REQUEST, visit.now().minus(LIST_WINDOW),
                    LIST_MAX)) {
                Optional<String> clientId = DeviceAssignments.clientAt(c, stored.deviceId(), stored.attributionTime());
                if (clientId.isEmpty()) {
                    continue;
                }
                CaseContext context = contexts.get(clientId.get());
                if (context == null) {
                    context = CaseContexts.load(c, clientId.get());
                    contexts.put(clientId.get(), context);
                }
                SupportRequest request = (SupportRequest) stored.event();
                Route route = SupportRouting.route(request.need());
                Decision d = visit.checkSupportHandling(route, context);
                if (d.allowed()) {
                    Item item = forViewer(actor, item(c, stored, context));
                    visit.record("support_request.listed", "support_request", item.ref(), Visit.basis(d) + "; route " + route.code());
                    shown.add(item);
                }
            }
            return List.copyOf(shown);
        });
    }

    /**
     * Opens request {@code deviceId#seq}: the first opening by one of the people it was routed to marks it seen (audited
     * {@code support_request.opened}) and tells the device; later openings are audited as views
     * ({@code support_request.viewed}) and change nothing.
     *
     * @throws org.breathgate.care.access.AccessDeniedException if the request was not routed to {@code actor} (audited)
     * @throws IllegalArgumentException                           if there is no such request of a client
     */
    public Item open(Actor actor, String deviceId, long seq) {
        Changed changed = gate.run(actor, "opening support request " + deviceId + "#" + seq, visit -> {
            Target t = target(visit, deviceId, seq);
            Decision d = visit.requireSupportHandling(t.route, t.context, deviceId + "#" + seq);
            Item before = item(visit.connection(), t.stored, t.context);
            if (before.state() != State.OPEN) {
                visit.record("support_request.viewed", "support_request", before.ref(), Visit.basis(d) + "; " + before.state().code());
                return new Changed(forViewer(actor, before), null);
            }
            SupportReply.Role role = SupportRouting.replyRole(actor);
            if (!markSeen(visit, t, actor, role)) {
                // A colleague opened it in the same moment (another receiver on the same database): theirs told the device.
                Item now = item(visit.connection(), t.stored, t.context);
                visit.record("support_request.viewed", "support_request", now.ref(), Visit.basis(d) + "; " + now.state().code());
                return new Changed(forViewer(actor, now), null);
            }
            SignedMessage reply = reply(visit, deviceId);
            visit.record("support_request.opened", "support_request", before.ref(), Visit.basis(d) + "; route " + t.route.code()
                    + "; the device is told: seen by " + role.wireName());
            return new Changed(forViewer(actor, item(visit.connection(), t.stored, t.context)), reply);
        });
        publish(deviceId, changed.reply);
        return changed.item;
    }

    /**
     * Closes request {@code deviceId#seq} with a note (opening it first if nobody had): audited
     * ({@code support_request.closed}), and the device is told it was dealt with. Closing is final.
     *
     * @throws IllegalStateException if it is closed already
     */
    public Item close(Actor actor, String deviceId, long seq, String note) {
        String text = note == null ? "" : note.strip();
        if (text.length() > NOTE_MAX) {
            throw new IllegalArgumentException("a note is at most " + NOTE_MAX + " characters");
        }
        Changed changed = gate.run(actor, "closing support request " + deviceId + "#" + seq, visit -> {
            Target t = target(visit, deviceId, seq);
            Decision d = visit.requireSupportHandling(t.route, t.context, deviceId + "#" + seq);
            Item before = item(visit.connection(), t.stored, t.context);
            SupportReply.Role role = SupportRouting.replyRole(actor);
            long now = visit.now().toEpochMilli();
            if (before.state() == State.CLOSED) {
                throw new IllegalStateException("support request " + before.ref() + " is closed already");
            }
            if (before.state() == State.OPEN) {
                markSeen(visit, t, actor, role);
            }
            try (PreparedStatement s = visit.connection().prepareStatement("update care_support_handling set state = 'closed', "
                    + "closed_at_ms = ?, closed_by = ?, closed_role = ?, closed_note = ? where device_id = ? and seq = ? "
                    + "and state = 'seen'")) {
                s.setLong(1, now);
                s.setString(2, actor.userId());
                s.setString(3, role.wireName());
                s.setString(4, text);
                s.setString(5, deviceId);
                s.setLong(6, seq);
                if (s.executeUpdate() == 0) {
                    throw new IllegalStateException("support request " + before.ref() + " is closed already");
                }
            }
            SignedMessage reply = reply(visit, deviceId);
            visit.record("support_request.closed", "support_request", before.ref(), Visit.basis(d) + "; the device is told: closed by "
                    + role.wireName() + "; note: " + text);
            return new Changed(forViewer(actor, item(visit.connection(), t.stored, t.context)), reply);
        });
        publish(deviceId, changed.reply);
        return changed.item;
    }

    /**
     * The parent's own support requests of the last {@link #LIST_WINDOW} and where each stands, newest first (audited as
     * {@code support_request.viewed}, the parent's own data).
     */
    public List<Item> ofParent(Actor parent) {
        String clientId = parent.clientId();
        if (clientId == null) {
            return List.of();
        }
        return gate.run(parent, "reading the support requests of " + clientId, visit -> {
            Connection c = visit.connection();
            CaseContext context = CaseContexts.load(c, clientId);
            Decision d = visit.require(Operation.VIEW_SUPPORT_REQUESTS, context, "client", clientId);
            List<Item> items = new ArrayList<>();
            for (var a : DeviceAssignments.ofClient(c, clientId)) {
                for (StoredEvent stored : EvidenceReader.ofDeviceAndType(c, a.deviceId(), MessageType.SUPPORT_REQUEST, 50)) {
                    if (a.holds(stored.attributionTime()) && !stored.attributionTime().isBefore(visit.now().minus(LIST_WINDOW))) {
                        items.add(item(c, stored, context));
                    }
                }
            }
            items.sort((x, y) -> y.requestedAt().compareTo(x.requestedAt()));
            if (!items.isEmpty()) {
                visit.record("support_request.viewed", "client", clientId, Visit.basis(d) + "; " + items.size() + " requests");
            }
            return List.copyOf(items);
        });
    }

    // ------------------------------------------------------------------ the reply to the device

    /**
     * Signs the device's reply as docs/protocol.md says: every request seen in the last 7 days and not closed, and those
     * closed in the last day, newest first, at most 8; {@code issued} later than any reply signed for the device before.
     * Stored in the visit's transaction, published after it commits. {@code null} when no request qualifies (never after an
     * opening or closing: that request does).
     */
    private SignedMessage reply(Visit visit, String deviceId) throws SQLException {
        Connection c = visit.connection();
        long now = visit.now().toEpochMilli();
        List<SupportReply.Entry> entries = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("select seq, state, seen_role, contact_from_ms, contact_before_ms, closed_role "
                + "from care_support_handling where device_id = ? and ((state = 'seen' and seen_at_ms >= ?) or (state = 'closed' "
                + "and closed_at_ms >= ?)) order by seq desc")) {
            q.setString(1, deviceId);
            q.setLong(2, now - SEEN_IN_REPLY.toMillis());
            q.setLong(3, now - CLOSED_IN_REPLY.toMillis());
            q.setMaxRows(SupportReply.MAX_REQUESTS);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    if ("closed".equals(rs.getString(2))) {
                        entries.add(SupportReply.Entry.closed(seq, role(rs.getString(6))));
                    } else {
                        entries.add(SupportReply.Entry.seen(seq, role(rs.getString(3)), instant(rs, 4), instant(rs, 5)));
                    }
                }
            }
        }
        if (entries.isEmpty()) {
            return null;
        }
        Instant issued = visit.now();
        Optional<Long> last = lastIssued(c, deviceId);
        if (last.isPresent() && issued.toEpochMilli() <= last.get()) {
            issued = Instant.ofEpochMilli(last.get() + 1); // a device ignores a reply no newer than the one it has
        }
        SignedMessage signed = signer.sign(new SupportReply(deviceId, issued, entries));
        int updated;
        try (PreparedStatement s = c.prepareStatement("update care_support_replies set issued_ms = ?, compact = ? where device_id = ?")) {
            s.setLong(1, issued.toEpochMilli());
            s.setString(2, signed.compact());
            s.setString(3, deviceId);
            updated = s.executeUpdate();
        }
        if (updated == 0) {
            try (PreparedStatement s = c.prepareStatement("insert into care_support_replies (device_id, issued_ms, compact) values (?, ?, ?)")) {
                s.setString(1, deviceId);
                s.setLong(2, issued.toEpochMilli());
                s.setString(3, signed.compact());
                s.executeUpdate();
            }
        }
        return signed;
    }

    /** Records that {@code actor} saw the request; false when someone else's opening got there first. */
    private static boolean markSeen(Visit visit, Target t, Actor actor, SupportReply.Role role) throws SQLException {
        try (PreparedStatement s = visit.connection().prepareStatement("insert into care_support_handling (device_id, seq, client_id, "
                + "route, state, seen_at_ms, seen_by, seen_role) values (?, ?, ?, ?, 'seen', ?, ?, ?) on conflict (device_id, seq) do nothing")) {
            s.setString(1, t.stored.deviceId());
            s.setLong(2, t.stored.seq());
            s.setString(3, t.context.client().id());
            s.setString(4, t.route.code());
            s.setLong(5, visit.now().toEpochMilli());
            s.setString(6, actor.userId());
            s.setString(7, role.wireName());
            return s.executeUpdate() == 1;
        }
    }

    private void publish(String deviceId, SignedMessage reply) {
        if (reply != null) {
            downlink.publishRetained(Topics.downlink(deviceId, MessageType.SUPPORT_REPLY), reply.bytes());
        }
    }

    private static Optional<Long> lastIssued(Connection c, String deviceId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select issued_ms from care_support_replies where device_id = ?")) {
            q.setString(1, deviceId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    // ------------------------------------------------------------------ plumbing

    private record Changed(Item item, SignedMessage reply) {
    }

    private record Target(StoredEvent stored, CaseContext context, Route route) {
    }

    private static Target target(Visit visit, String deviceId, long seq) throws SQLException {
        Connection c = visit.connection();
        StoredEvent stored = EvidenceReader.event(c, DeviceIds.check(deviceId), seq)
                .filter(e -> e.event() instanceof SupportRequest)
                .orElseThrow(() -> new IllegalArgumentException("no support request " + deviceId + "#" + seq));
        String clientId = DeviceAssignments.clientAt(c, deviceId, stored.attributionTime())
                .orElseThrow(() -> new IllegalArgumentException("support request " + deviceId + "#" + seq + " belongs to no client"));
        return new Target(stored, CaseContexts.load(c, clientId), SupportRouting.route(((SupportRequest) stored.event()).need()));
    }

    private static Item item(Connection c, StoredEvent stored, CaseContext context) throws SQLException {
        SupportRequest request = (SupportRequest) stored.event();
        Route route = SupportRouting.route(request.need());
        try (PreparedStatement q = c.prepareStatement("select state, seen_at_ms, seen_role, closed_at_ms, closed_role, contact_from_ms, "
                + "contact_before_ms from care_support_handling where device_id = ? and seq = ?")) {
            q.setString(1, stored.deviceId());
            q.setLong(2, stored.seq());
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return new Item(stored.deviceId(), stored.seq(), context.client().id(), context.client().displayName(), request.need(),
                            request.needChosen(), stored.attributionTime(), route, State.OPEN, null, null, null, null, null, null);
                }
                State state = "closed".equals(rs.getString(1)) ? State.CLOSED : State.SEEN;
                return new Item(stored.deviceId(), stored.seq(), context.client().id(), context.client().displayName(), request.need(),
                        request.needChosen(), stored.attributionTime(), route, state, instant(rs, 2), role(rs.getString(3)),
                        instant(rs, 4), rs.getString(5) == null ? null : role(rs.getString(5)), instant(rs, 6), instant(rs, 7));
            }
        }
    }

    /** A technician is shown the request and the device, never who the client is (their role keeps them from clients). */
    private static Item forViewer(Actor actor, Item item) {
        if (actor.role() != org.breathgate.care.access.Role.TECHNICIAN) {
            return item;
        }
        return new Item(item.deviceId(), item.seq(), null, null, item.need(), item.needChosen(), item.requestedAt(), item.route(),
                item.state(), item.seenAt(), item.seenRole(), item.closedAt(), item.closedRole(), item.contactFrom(), item.contactBefore());
    }

    private static SupportReply.Role role(String wire) {
        return SupportReply.Role.valueOf(wire.toUpperCase(java.util.Locale.ROOT));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }
}
