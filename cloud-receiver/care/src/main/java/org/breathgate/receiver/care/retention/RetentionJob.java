package org.breathgate.receiver.care.retention;

import org.breathgate.care.access.Client;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.care.retention.DeletionTask;
import org.breathgate.care.retention.PhotoRef;
import org.breathgate.care.retention.RetentionPolicy;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.evidence.photo.PhotoStore;
import org.breathgate.receiver.evidence.photo.StoredPhoto;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import org.breathgate.receiver.evidence.store.EvidenceStore;
import org.breathgate.receiver.care.alert.AlertStore;
import org.breathgate.receiver.care.alert.ExcuseStore;
import org.breathgate.receiver.care.people.Assignment;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Applies the care core's {@link RetentionPolicy}: for each client whose case closed long enough ago,
 * deletes their evidence (the events of their devices within their assignment periods), alerts and
 * excuses, and writes a {@code data.deleted} audit entry in the same transaction. The client record,
 * consents and the audit log stay. A client's results are deleted once per closing: a reopened and
 * again closed case is due again for what came after.
 *
 * <p>Photos ({@link PhotoStore}, when given): a photo older than the policy's photo period is deleted on its own
 * (file, row and review, with a {@code data.deleted} audit entry for the photo); a client's photos also go with
 * their results.
 */
public final class RetentionJob {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);

    private final CareGate gate;
    private final RetentionPolicy policy;
    private final PhotoStore photos;

    public RetentionJob(CareGate gate, RetentionPolicy policy) {
        this(gate, policy, null);
    }

    /** @param photos the stored photos, whose shorter period the policy also applies; {@code null}: none */
    public RetentionJob(CareGate gate, RetentionPolicy policy, PhotoStore photos) {
        this.photos = photos;
        this.gate = Objects.requireNonNull(gate, "gate");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** Deletes what is due now; returns the tasks carried out. */
    public List<DeletionTask> run() {
        return gate.runAsReceiver("system", "retention", visit -> {
            Connection c = visit.connection();
            Instant now = visit.now();
            List<Client> candidates = new ArrayList<>();
            for (Client client : Clients.all(c)) {
                Optional<Instant> deleted = Clients.resultsDeletedAt(c, client.id());
                if (client.closedAt() != null && (deleted.isEmpty() || deleted.get().isBefore(client.closedAt()))) {
                    candidates.add(client);
                }
            }
            List<DeletionTask> done = new ArrayList<>();
            List<PhotoRef> photoRefs = new ArrayList<>();
            Map<String, StoredPhoto> photoById = new HashMap<>();
            if (photos != null) {
                for (StoredPhoto p : photos.all(c)) {
                    String owner = DeviceAssignments.clientAt(c, p.deviceId(), p.takenAt()).orElse("unassigned");
                    photoRefs.add(new PhotoRef(p.ref(), owner, p.takenAt()));
                    photoById.put(p.ref(), p);
                }
            }
            for (DeletionTask task : policy.due(candidates, photoRefs, now)) {
                if (task instanceof DeletionTask.Photo photoTask) {
                    StoredPhoto p = photoById.get(photoTask.photoId());
                    if (p != null && photos.delete(c, p.deviceId(), p.readingSeq())) {
                        visit.record(AuditAction.DATA_DELETED.code(), "photo", p.ref(),
                                "retention: photo taken " + p.takenAt() + ", due since " + task.dueSince());
                        done.add(task);
                    }
                    continue;
                }
                String clientId = ((DeletionTask.ClientResults) task).clientId();
                int events = 0;
                for (Assignment a : DeviceAssignments.ofClient(c, clientId)) {
                    Instant until = a.until() == null ? Instant.ofEpochMilli(Long.MAX_VALUE) : a.until();
                    events += EvidenceStore.deleteAttributed(c, a.deviceId(), a.from(), until);
                    if (photos != null) {
                        for (StoredPhoto p : photoById.values()) {
                            if (p.deviceId().equals(a.deviceId()) && !p.takenAt().isBefore(a.from()) && p.takenAt().isBefore(until)) {
                                photos.delete(c, p.deviceId(), p.readingSeq());
                            }
                        }
                    }
                }
                int alerts = AlertStore.deleteOfClient(c, clientId);
                int excuses = ExcuseStore.deleteOfClient(c, clientId);
                int words = org.breathgate.receiver.care.word.WordStore.deleteOfClient(c, clientId);
                Clients.markResultsDeleted(c, clientId, now);
                visit.record(AuditAction.DATA_DELETED.code(), "client", clientId,
                        "retention: case closed, due since " + task.dueSince() + "; deleted " + events + " evidence events, "
                                + alerts + " alerts, " + excuses + " excuses, " + words
                                + " explanations and absences");
                LOG.info("retention deleted the results of client {} ({} events, {} alerts)", clientId, events, alerts);
                done.add(task);
            }
            return List.copyOf(done);
        });
    }
}
