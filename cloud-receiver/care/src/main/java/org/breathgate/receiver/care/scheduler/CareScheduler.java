package org.breathgate.receiver.care.scheduler;

import org.breathgate.receiver.evidence.db.JobLeases;
import org.breathgate.receiver.evidence.db.StoreException;

import org.breathgate.receiver.care.alert.AlertProcessor;

import org.breathgate.receiver.care.gate.AuditLog;
import org.breathgate.receiver.care.retention.RetentionJob;
import org.breathgate.receiver.evidence.store.EvidenceListener;
import org.breathgate.receiver.evidence.store.StoredEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The care workflow's one background thread ({@code care-scheduler}, a daemon): it takes stored
 * evidence from ingest (as the {@link EvidenceListener}) so ingest never waits for alert work, and
 * every minute runs the silence checks and escalations; every hour it anchors the audit log's head
 * outside the database, and once a day runs retention. One thread for all of it keeps the alert
 * engine's read-decide-store steps from overlapping. {@link #close()} finishes the queued work.
 *
 * <p>With several receivers on one database ({@link JobLeases}), each periodic job runs on one instance per period: the
 * one that claims its lease; the others skip it. Without leases (one receiver, and tests) the periods are kept here.
 *
 * <p>Events still queued when the process dies are not fed again on restart (not yet: a catch-up from
 * a stored watermark). Alerts already stored are delivered after a restart: their outbox rows are in
 * the database ({@code care.delivery.DeliveryWorker}).
 */
public final class CareScheduler implements EvidenceListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CareScheduler.class);

    /** Silence and escalation are decided in hours; a minute is prompt enough and cheap. */
    public static final Duration TICK = Duration.ofMinutes(1);
    /** Often enough that a rewrite of the log is caught within the hour, rarely enough to keep the file small. */
    public static final Duration ANCHOR_EVERY = Duration.ofHours(1);
    public static final Duration RETENTION_EVERY = Duration.ofDays(1);

    private final AlertProcessor alerts;
    private final AuditLog audit;
    private final RetentionJob retention;
    private final Clock clock;
    private final Runnable alertsStored;
    private final Runnable everyMinute;
    private final ScheduledExecutorService thread;
    /** Stored evidence waiting for this thread (each add also queues a task that takes what is there). */
    private final java.util.concurrent.ConcurrentLinkedQueue<StoredEvent> stored = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final JobLeases leases;
    private Instant lastAnchor = Instant.MIN;
    private Instant lastRetention = Instant.MIN;

    /**
     * @param retention the retention job, or {@code null} when no retention period is configured (keep everything)
     */
    public CareScheduler(AlertProcessor alerts, AuditLog audit, RetentionJob retention, Clock clock) {
        this(alerts, audit, retention, clock, () -> { });
    }

    /**
     * @param retention    the retention job, or {@code null} when no retention period is configured (keep everything)
     * @param alertsStored called on this thread after alert commands were stored (new deliveries may wait in the
     *                     outbox): the alert delivery worker's wake-up, so e-mail does not wait for a poll
     */
    public CareScheduler(AlertProcessor alerts, AuditLog audit, RetentionJob retention, Clock clock, Runnable alertsStored) {
        this(alerts, audit, retention, clock, alertsStored, null, () -> { });
    }

    /**
     * @param retention    the retention job, or {@code null} when no retention period is configured (keep everything)
     * @param alertsStored called on this thread after alert commands were stored (the alert delivery worker's wake-up)
     * @param leases       the job leases shared by every receiver on the database, or {@code null} to run every job here
     * @param everyMinute  more work for the minute tick, after the alerts and under their lease (e.g. reporting devices
     *                     offline to the technicians, which several receivers must not each do)
     */
    public CareScheduler(AlertProcessor alerts, AuditLog audit, RetentionJob retention, Clock clock, Runnable alertsStored,
                         JobLeases leases, Runnable everyMinute) {
        this.leases = leases;
        this.everyMinute = Objects.requireNonNull(everyMinute, "everyMinute");
        this.alertsStored = Objects.requireNonNull(alertsStored, "alertsStored");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.retention = retention;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "care-scheduler");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the minute tick. */
    public CareScheduler start() {
        thread.scheduleWithFixedDelay(this::tickSafely, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Queues the event for this thread, which takes whatever has piled up (at most {@value #MAX_BATCH}) and decides it in one
     * transaction: under load the care room costs a commit per ingest batch, not per reading. Order is kept.
     */
    @Override
    public void onStored(StoredEvent event) {
        stored.add(event);
        thread.execute(this::decideStored);
    }

    /** Events decided in one transaction at most. */
    static final int MAX_BATCH = 500;

    private void decideStored() {
        List<StoredEvent> batch = new ArrayList<>();
        StoredEvent next;
        while (batch.size() < MAX_BATCH && (next = stored.poll()) != null) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            return; // an earlier task took them
        }
        try {
            if (!alerts.onStored(batch).isEmpty()) {
                alertsStored.run();
            }
        } catch (RuntimeException e) {
            LOG.error("alerts for {} stored events failed: {}", batch.size(), e.getMessage(), e);
        }
    }

    /**
     * A verified message was quarantined (the device signed it, but it could not be kept as evidence: {@code seq_reused},
     * a photo hash mismatch, ...): a {@code DEVICE_INTEGRITY} alert, on this thread. Unverified quarantines are noise
     * anybody can make and raise nothing (they are counted and capped by ingest).
     */
    @Override
    public void onQuarantined(Quarantined quarantined) {
        if (!quarantined.verified()) {
            return;
        }
        thread.execute(() -> {
            try {
                if (!alerts.onIntegrity(quarantined).isEmpty()) {
                    alertsStored.run();
                }
            } catch (RuntimeException e) {
                LOG.error("the integrity alert for {} ({}) failed: {}", quarantined.deviceId(), quarantined.reason(), e.getMessage(), e);
            }
        });
    }

    /** Waits until everything handed over so far has been done. */
    public void flush(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            thread.submit(() -> null).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("unreachable: the flush task does nothing", e);
        }
    }

    /** Job names in {@code ops_job_leases}. */
    static final String JOB_ALERTS = "care.silence-and-escalation";
    static final String JOB_ANCHOR = "care.audit-anchor";
    static final String JOB_RETENTION = "care.retention";

    /** One round of the periodic work, on the caller's thread; the scheduler calls it every {@link #TICK}. */
    void tick() {
        // The minute's checks: a few seconds of slack so that an instance's own next tick is never "too early".
        if (due(JOB_ALERTS, TICK.minusSeconds(5), Duration.ofMinutes(5), null)) {
            run(JOB_ALERTS, () -> {
                if (!alerts.tick().isEmpty()) {
                    alertsStored.run();
                }
                everyMinute.run();
            });
        }
        Instant now = clock.instant();
        if (due(JOB_ANCHOR, ANCHOR_EVERY, Duration.ofMinutes(10), lastAnchor)) {
            run(JOB_ANCHOR, () -> audit.anchor(now));
            lastAnchor = now;
        }
        if (retention != null && due(JOB_RETENTION, RETENTION_EVERY, Duration.ofHours(1), lastRetention)) {
            run(JOB_RETENTION, retention::run);
            lastRetention = now;
        }
    }

    /** Whether {@code job} is this instance's to run now: by its lease, or without leases by {@code last} (null: every tick). */
    private boolean due(String job, Duration every, Duration lease, Instant last) {
        if (leases == null) {
            return last == null || !clock.instant().isBefore(last.plus(every));
        }
        try {
            return leases.claim(job, every, lease);
        } catch (SQLException e) {
            throw new StoreException("cannot claim the job " + job + ": " + e.getMessage(), e);
        }
    }

    private void run(String job, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            if (leases != null) {
                try {
                    leases.release(job);
                } catch (SQLException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
        if (leases != null) {
            try {
                leases.done(job);
            } catch (SQLException e) {
                throw new StoreException("cannot record the run of " + job + ": " + e.getMessage(), e);
            }
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            // Never let one failure stop the schedule: the next minute tries again.
            LOG.error("care scheduler round failed: {}", e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("care scheduler did not finish its queued work within 30 s; stopping it");
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
