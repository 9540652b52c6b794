package org.breathgate.receiver.care.retention;

import org.breathgate.care.access.Client;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.care.audit.AuditRecord;
import org.breathgate.care.retention.DeletionTask;
import org.breathgate.care.retention.RetentionPolicy;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.evidence.store.EvidenceStore;
import org.breathgate.receiver.care.alert.AlertStore;
import org.breathgate.receiver.care.alert.ExcuseStore;
import org.breathgate.receiver.care.audit.AuditLog;
import org.breathgate.receiver.care.people.Assignment;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.evidence.db.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
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

    private final Database database;
    private final RetentionPolicy policy;
    private final AuditLog audit;
    private final Clock clock;
    private final org.breathgate.receiver.evidence.photo.PhotoStore photos;

    public RetentionJob(Database database, RetentionPolicy policy, AuditLog audit, Clock clock) {
        this(database, policy, audit, clock, null);
    }

    /** @param photos the stored photos, whose shorter period the policy also applies; {@code null}: none */
    public RetentionJob(Database database, RetentionPolicy policy, AuditLog audit, Clock clock,
                        org.breathgate.receiver.evidence.photo.PhotoStore photos) {
        this.photos = photos;
        this.database = Objects.requireNonNull(database, "database");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Deletes what is due now; returns the tasks carried out. */
    public List<DeletionTask> run() {
        Instant now = clock.instant();
        return Sql.write(database, "retention", c -> {
            List<Client> candidates = new ArrayList<>();
            for (Client client : Clients.all(c)) {
                Optional<Instant> deleted = Clients.resultsDeletedAt(c, client.id());
                if (client.closedAt() != null && (deleted.isEmpty() || deleted.get().isBefore(client.closedAt()))) {
                    candidates.add(client);
                }
            }
            List<DeletionTask> done = new ArrayList<>();
            List<org.breathgate.care.retention.PhotoRef> photoRefs = new ArrayList<>();
            java.util.Map<String, org.breathgate.receiver.evidence.photo.StoredPhoto> photoById = new java.util.HashMap<>();
            if (photos != null) {
                for (org.breathgate.receiver.evidence.photo.StoredPhoto p : photos.all(c)) {
                    String owner = DeviceAssignments.clientAt(c, p.deviceId(), p.takenAt()).orElse("unassigned");
                    photoRefs.add(new org.breathgate.care.retention.PhotoRef(p.ref(), owner, p.takenAt()));
                    photoById.put(p.ref(), p);
                }
            }
            for (DeletionTask task : policy.due(candidates, photoRefs, now)) {
                if (task instanceof DeletionTask.Photo photoTask) {
                    org.breathgate.receiver.evidence.photo.StoredPhoto p = photoById.get(photoTask.photoId());
                    if (p != null && photos.delete(c, p.deviceId(), p.readingSeq())) {
                        audit.append(c, AuditRecord.of(now, "system", AuditAction.DATA_DELETED, "photo", p.ref(),
                                "retention: photo taken " + p.takenAt() + ", due since " + task.dueSince()));
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
                        for (org.breathgate.receiver.evidence.photo.StoredPhoto p : photoById.values()) {
                            if (p.deviceId().equals(a.deviceId()) && !p.takenAt().isBefore(a.from()) && p.takenAt().isBefore(until)) {
                                photos.delete(c, p.deviceId(), p.readingSeq());
                            }
                        }
                    }
                }
                int alerts = AlertStore.deleteOfClient(c, clientId);
                int excuses = ExcuseStore.deleteOfClient(c, clientId);
                Clients.markResultsDeleted(c, clientId, now);
                audit.append(c, AuditRecord.of(now, "system", AuditAction.DATA_DELETED, "client", clientId,
                        "retention: case closed, due since " + task.dueSince() + "; deleted " + events + " evidence events, "
                                + alerts + " alerts, " + excuses + " excuses"));
                LOG.info("retention deleted the results of client {} ({} events, {} alerts)", clientId, events, alerts);
                done.add(task);
            }
            return List.copyOf(done);
        });
    }
}
