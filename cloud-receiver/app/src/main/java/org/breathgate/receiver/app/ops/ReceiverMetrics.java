package org.breathgate.receiver.app.ops;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.breathgate.care.alert.AlertKind;
import org.breathgate.receiver.care.alert.OpenAlerts;
import org.breathgate.receiver.care.delivery.DeliveryBacklog;
import org.breathgate.receiver.evidence.device.DeviceActivity;
import org.breathgate.receiver.ingest.mqtt.IngestStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiver's Prometheus metrics (docs/operations.md, "Monitor", lists every one and the alert rules to set on them).
 * Ingest's counters and timings are read from {@link IngestStats} at scrape time (ingest knows nothing of Micrometer); the
 * database's figures (deliveries waiting or dead, open alerts, devices online) are counted with a few queries at most once
 * every {@link #REFRESH} however often the page is scraped, so several Prometheus servers cost the database nothing more.
 */
public final class ReceiverMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiverMetrics.class);

    /** How old the database figures may be when scraped. */
    static final Duration REFRESH = Duration.ofSeconds(10);

    /** The database's figures at one moment; every map holds every label value (0 when none). */
    record Snapshot(Map<String, Map<String, Long>> deliveries, Map<AlertKind, Long> openAlerts, DeviceActivity.Summary devices,
                    Instant at) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final IngestStats ingest;
    private final DeliveryBacklog deliveries;
    private final OpenAlerts alerts;
    private final DeviceActivity devices;
    private final Clock clock;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
    private final Set<String> quarantineReasons = ConcurrentHashMap.newKeySet();

    public ReceiverMetrics(IngestStats ingest, DeliveryBacklog deliveries, OpenAlerts alerts, DeviceActivity devices, Clock clock) {
        this.ingest = ingest;
        this.deliveries = deliveries;
        this.alerts = alerts;
        this.devices = devices;
        this.clock = clock;
        snapshot.set(new Snapshot(Map.of(), Map.of(), new DeviceActivity.Summary(0, 0, 0, 0), Instant.EPOCH));

        FunctionCounter.builder("breathgate_messages_received", ingest, IngestStats::received)
                .description("MQTT messages that arrived from devices, whatever became of them").register(registry);
        FunctionCounter.builder("breathgate_evidence_stored", ingest, IngestStats::stored)
                .description("Evidence events verified and stored for the first time").register(registry);
        FunctionCounter.builder("breathgate_evidence_duplicates", ingest, IngestStats::duplicates)
                .description("Evidence events received again with the same bytes (harmless; acked again)").register(registry);
        FunctionCounter.builder("breathgate_statuses_received", ingest, IngestStats::statuses)
                .description("Device status heartbeats saved").register(registry);
        FunctionCounter.builder("breathgate_acks_sent", ingest, IngestStats::acksPublished)
                .description("Signed acks published to devices").register(registry);
        FunctionTimer.builder("breathgate_verify", ingest, IngestStats::verifications, IngestStats::verifyNanos, TimeUnit.NANOSECONDS)
                .description("Classifying a message: parsing and verifying its signature against the device's key").register(registry);
        FunctionTimer.builder("breathgate_commit", ingest, IngestStats::batches, IngestStats::commitNanos, TimeUnit.NANOSECONDS)
                .description("Writing a batch of messages durably, commit included (one fsync per batch)").register(registry);

        for (String channel : DeliveryBacklog.CHANNELS) {
            gauge("breathgate_deliveries_pending", "Alert deliveries waiting to be sent or retried", "channel", channel,
                    s -> s.deliveries().getOrDefault(channel, Map.of()).getOrDefault("pending", 0L));
            gauge("breathgate_deliveries_dead", "Alert deliveries that gave up after every retry (replay them: docs/care-workflow.md)",
                    "channel", channel, s -> s.deliveries().getOrDefault(channel, Map.of()).getOrDefault("dead", 0L));
        }
        for (AlertKind kind : AlertKind.values()) {
            gauge("breathgate_alerts_open", "Alerts open (not acknowledged), by kind", "kind", kind.name().toLowerCase(java.util.Locale.ROOT),
                    s -> s.openAlerts().getOrDefault(kind, 0L));
        }
        gauge("breathgate_devices_online", "Devices whose last heartbeat, within 2 hours, said they are online", null, null,
                s -> s.devices().devicesOnline());
        gauge("breathgate_devices_reporting", "Devices that ever sent a heartbeat", null, null, s -> s.devices().devicesReporting());
        gauge("breathgate_device_outbox_depth_max", "The most evidence events one online device holds waiting for an ack", null, null,
                s -> s.devices().outboxDepthMax());
        gauge("breathgate_device_outbox_oldest_seconds_max", "How long the oldest unacknowledged evidence event of any online device"
                + " has waited, as its latest heartbeat said (stuck evidence: docs/operations.md)", null, null,
                s -> s.devices().outboxOldestMaxSeconds());
        Gauge.builder("breathgate_metrics_database_age_seconds", snapshot,
                        s -> Duration.between(s.get().at(), clock.instant()).toMillis() / 1000.0)
                .description("How old the database figures on this page are (large: the database could not be read)").register(registry);

        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    private void gauge(String name, String description, String tag, String value, ToDoubleFunction<Snapshot> f) {
        Gauge.Builder<AtomicReference<Snapshot>> b = Gauge.builder(name, snapshot, s -> f.applyAsDouble(s.get())).description(description);
        if (tag != null) {
            b.tag(tag, value);
        }
        b.register(registry);
    }

    /** The metrics page in Prometheus's text format, with the database figures refreshed if they are older than {@link #REFRESH}. */
    public String scrape() {
        refresh();
        return registry.scrape();
    }

    /** The registry (the receiver's own meters are registered; tests read it). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private synchronized void refresh() {
        for (String reason : ingest.quarantined().keySet()) {
            if (quarantineReasons.add(reason)) {
                FunctionCounter.builder("breathgate_messages_quarantined", ingest, i -> i.quarantined(reason))
                        .description("Messages refused and kept in quarantine, by reason (docs/protocol.md, error codes)")
                        .tag("reason", reason).register(registry);
            }
        }
        Instant now = clock.instant();
        if (Duration.between(snapshot.get().at(), now).compareTo(REFRESH) < 0) {
            return;
        }
        try {
            snapshot.set(new Snapshot(deliveries.counts(), alerts.byKind(), devices.summary(now), now));
        } catch (SQLException | RuntimeException e) {
            // The figures stay as they were; breathgate_metrics_database_age_seconds grows and readiness says why.
            LOG.debug("metrics: the database could not be read: {}", e.getMessage());
        }
    }
}
