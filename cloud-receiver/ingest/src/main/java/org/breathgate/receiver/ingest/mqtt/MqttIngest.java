package org.breathgate.receiver.ingest.mqtt;

import org.breathgate.receiver.evidence.store.EvidenceListener;

import org.breathgate.protocol.Ack;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.store.EvidenceStore;
import org.breathgate.receiver.evidence.db.StoreException;
import org.breathgate.receiver.evidence.store.StoredEvent;
import org.breathgate.receiver.evidence.store.Write;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ingest over MQTT: subscribes to every device's uplink through the receivers' shared
 * subscription, verifies, stores, and acks.
 *
 * <p>The pipeline: Paho's callback thread hands each message to a pool of {@code ingest-verify}
 * threads (one per core: Ed25519 verification is most of a message's CPU) and queues a slot for its
 * decision in arrival order; a verifier checks the signature against the enrolled key and the topic
 * against {@code kid} and type and fills the slot; the {@code ingest-writer} thread takes the slots in
 * order, waiting for any still being verified, writes a batch in one transaction, and only after the commit
 * tells the broker the message is handled (manual MQTT acks: a receiver that dies mid-batch gets
 * the messages again) and hands the ack entries to an {@link AckPublisher}, which signs one {@link Ack}
 * per device for whatever piled up meanwhile and publishes it.
 *
 * <p>Acks go out on a second MQTT connection. Paho reads incoming messages and the broker's
 * PUBACKs for our own publishes on one thread; when ingest applies back pressure that thread
 * waits, so on a single connection the acks' PUBACKs would never be read, the in-flight window
 * would fill and the writer would wait for it: a deadlock (seen in the benchmark). If the database
 * fails, the batch is retried with backoff and nothing is acked meanwhile; a message that cannot be
 * stored on its own while others can is quarantined as {@value QuarantineReasons#STORE_FAILED}.
 * Nothing that arrives can stop the pipeline.
 */
public final class MqttIngest implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttIngest.class);

    /** Messages written per transaction at most. */
    static final int MAX_BATCH = 500;
    /** How long the writer waits for a small batch to grow: short, so an ack is still prompt. */
    static final Duration LINGER = Duration.ofMillis(2);
    /** A batch this large is written at once. */
    static final int LINGER_UNTIL = 64;
    /** Verified messages waiting for the writer at most; then Paho's callback waits (back pressure). */
    static final int QUEUE_CAPACITY = 2_000;
    /**
     * Outgoing QoS 1 publishes (acks) in flight at most. Paho's default of 10 would make the ack
     * publisher wait for the broker's PUBACKs under load.
     */
    static final int MAX_INFLIGHT = 1_000;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /**
     * How far a device's clock may disagree with the receiver's before its evidence is flagged (docs/receiver.md, "Time at
     * the door"): a synchronised Pi is within seconds, and the receiver's own clock within as much; five minutes leaves room
     * for either to be slow to synchronise without calling an honest device a liar.
     */
    public static final Duration DEFAULT_CLOCK_TOLERANCE = Duration.ofMinutes(5);
    /** How often old quarantine rows are pruned. */
    static final Duration PRUNE_EVERY = Duration.ofHours(1);

    /** A verified message waiting for the writer; {@code generation}: the broker connection it arrived on. */
    private record Pending(Ingestor.Decision decision, long generation, int messageId, int qos, String topic) {
    }

    /** A message in arrival order, its decision filled in by a verifier (null: closing, or handled elsewhere). */
    private static final class Slot {
        private final java.util.concurrent.CompletableFuture<Pending> pending = new java.util.concurrent.CompletableFuture<>();

        Pending await() throws InterruptedException {
            try {
                return pending.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("verification failed unexpectedly", e.getCause());
            }
        }
    }

    private final MqttSettings settings;
    private final Ingestor ingestor;
    private final EvidenceStore store;
    private final AckPublisher acks;
    private final Clock clock;
    private final List<EvidenceListener> listeners;
    private final PhotoHandler photos;
    private final IngestStats stats = new IngestStats();
    private final QuarantineLog quarantineLog;
    private final BlockingQueue<Slot> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    /** Verifies messages in parallel (one thread per core); the writer keeps their arrival order. */
    private final java.util.concurrent.ExecutorService verifiers;
    private final BrokerConnection client;
    private final BrokerConnection ackClient;
    private final Thread writer;
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private volatile boolean running = true;
    private Instant prunedAt = Instant.MIN;

    /**
     * @param settings    broker connection
     * @param registry    enrolled device keys
     * @param store       where evidence, status and quarantine go
     * @param receiverKey the receiver's signing key ({@code receiver:N}) for acks
     * @param clock       the receiver's clock (receive times, ack issue times, log rate limits)
     * @param listeners   told about stored and quarantined messages
     */
    public MqttIngest(MqttSettings settings, DeviceRegistry registry, EvidenceStore store, SigningKey receiverKey, Clock clock,
                      List<EvidenceListener> listeners) throws MqttException {
        this(settings, registry, store, receiverKey, clock, listeners, null);
    }

    /**
     * As above, handing verified photo chunks to {@code photos} (null: photo chunks are quarantined as
     * {@code photo_not_accepted}), whose answers go out in this ingest's acks.
     */
    public MqttIngest(MqttSettings settings, DeviceRegistry registry, EvidenceStore store, SigningKey receiverKey, Clock clock,
                      List<EvidenceListener> listeners, PhotoHandler photos) throws MqttException {
        this(settings, registry, store, receiverKey, clock, listeners, photos, DEFAULT_CLOCK_TOLERANCE);
    }

    /**
     * As above, judging devices' clocks with {@code clockTolerance}: evidence whose synchronised device clock disagrees with
     * the receiver's by more is stored with its clock doubted (filed by receive time, and the listeners can alert).
     */
    public MqttIngest(MqttSettings settings, DeviceRegistry registry, EvidenceStore store, SigningKey receiverKey, Clock clock,
                      List<EvidenceListener> listeners, PhotoHandler photos, Duration clockTolerance) throws MqttException {
        this.photos = photos;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ingestor = new Ingestor(registry, clockTolerance);
        this.store = Objects.requireNonNull(store, "store");
        if (!receiverKey.keyId().isReceiver()) {
            throw new IllegalArgumentException("acks must be signed with a receiver key (receiver:N), not " + receiverKey.keyId());
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listeners = List.copyOf(listeners);
        this.quarantineLog = new QuarantineLog(clock);
        this.client = new BrokerConnection(settings.brokerUri(), settings.clientId(), connectOptions(false), true, new Callback(), MAX_BACKOFF);
        this.ackClient = new BrokerConnection(settings.brokerUri(), settings.clientId() + "-ack", connectOptions(true), false,
                new BrokerConnection.Handler() {
                    @Override
                    public void connected(MqttAsyncClient mqtt, long generation, boolean reconnect) {
                        LOG.info("{} to {} for acks", reconnect ? "reconnected" : "connected", settings.brokerUri());
                    }

                    @Override
                    public void messageArrived(String topic, MqttMessage message, long generation) {
                    }
                }, MAX_BACKOFF);
        this.acks = new AckPublisher(ackClient::client, new MessageSigner(receiverKey), clock, stats);
        this.writer = new Thread(this::writeLoop, "ingest-writer");
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        java.util.concurrent.atomic.AtomicInteger verifierNumber = new java.util.concurrent.atomic.AtomicInteger();
        this.verifiers = java.util.concurrent.Executors.newFixedThreadPool(cores, task -> {
            Thread thread = new Thread(task, "ingest-verify-" + verifierNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        if (photos != null) {
            photos.answerWith((deviceId, entry) -> {
                try {
                    acks.addPhoto(deviceId, entry);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    /** Connects (retrying in the background until the broker answers) and starts ingesting. */
    public void start() {
        writer.start();
        acks.start();
        client.start();
        ackClient.start();
    }

    /** Waits until the receiver has subscribed; false if {@code timeout} passed first. */
    public boolean awaitSubscribed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!subscribed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        while (!ackClient.isConnected()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Whether both connections (ingest and acks) are up. */
    public boolean isConnected() {
        return client.isConnected() && ackClient.isConnected();
    }

    public IngestStats stats() {
        return stats;
    }

    /**
     * Publishes {@code payload} (already signed) to a device's downlink {@code topic} at QoS 1 on the
     * ack connection, and waits until the broker has taken it (PUBACK).
     *
     * @throws MqttException if the receiver is not connected or the broker did not take it within 10 s
     */
    public void publishDownlink(String topic, byte[] payload, boolean retained) throws MqttException {
        MqttAsyncClient connected = ackClient.client();
        if (connected == null) {
            throw new MqttException(MqttException.REASON_CODE_CLIENT_NOT_CONNECTED);
        }
        connected.publish(topic, payload, 1, retained).waitForCompletion(10_000);
    }

    /**
     * Stops: finishes the batch being written (so what is stored is acked), then disconnects.
     * Messages received but not yet written are not acked, so the broker delivers them again.
     */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Tasks not started yet still fill their slots (with null: closing), so nothing waits on them.
        verifiers.shutdownNow().forEach(Runnable::run);
        acks.close();
        client.close();
        ackClient.close();
    }

    private MqttConnectOptions connectOptions(boolean forAcks) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setAutomaticReconnect(false); // BrokerConnection reconnects with a fresh client (Paho 1.2.5 can hang)
        // Ingest uses a persistent session: the broker queues uplink for this receiver while it restarts.
        // The ack connection needs none: an ack lost with it is answered DUPLICATE when the device resends.
        options.setCleanSession(forAcks);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        options.setMaxInflight(MAX_INFLIGHT);
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(settings.password().toCharArray());
        }
        if (settings.socketFactory() != null) {
            options.setSocketFactory(settings.socketFactory());
        }
        return options;
    }

    private final class Callback implements BrokerConnection.Handler {
        @Override
        public void connected(MqttAsyncClient mqtt, long generation, boolean reconnect) {
            LOG.info("{} to {}; subscribing to {}", reconnect ? "reconnected" : "connected", settings.brokerUri(),
                    Topics.RECEIVER_SHARED_SUBSCRIPTION);
            try {
                mqtt.subscribe(Topics.RECEIVER_SHARED_SUBSCRIPTION, MessageType.QOS, null, new org.eclipse.paho.client.mqttv3.IMqttActionListener() {
                    @Override
                    public void onSuccess(org.eclipse.paho.client.mqttv3.IMqttToken token) {
                        int[] granted = token.getGrantedQos();
                        if (granted != null && granted.length > 0 && granted[0] == 0x80) {
                            LOG.error("the broker refused the subscription to {}: check the receiver's ACL", Topics.RECEIVER_SHARED_SUBSCRIPTION);
                            return;
                        }
                        subscribed.countDown();
                    }

                    @Override
                    public void onFailure(org.eclipse.paho.client.mqttv3.IMqttToken token, Throwable e) {
                        LOG.error("subscribing to {} failed: {}", Topics.RECEIVER_SHARED_SUBSCRIPTION, e == null ? "?" : e.getMessage());
                    }
                });
            } catch (MqttException | RuntimeException e) {
                LOG.error("subscribing to {} failed: {}", Topics.RECEIVER_SHARED_SUBSCRIPTION, e.getMessage(), e);
            }
        }

        /**
         * Queues a slot for the message in arrival order (waiting while the queue is full: back
         * pressure on the broker) and has a verifier decide it. Never throws: Paho would drop the connection.
         */
        @Override
        public void messageArrived(String topic, MqttMessage message, long generation) {
            stats.countReceived();
            Slot slot = new Slot();
            try {
                if (!enqueue(slot)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            byte[] payload = message.getPayload();
            int id = message.getId();
            int qos = message.getQos();
            try {
                verifiers.execute(() -> slot.pending.complete(decide(topic, payload, generation, id, qos)));
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                slot.pending.complete(null);
            }
        }

    }

    /** A verifier's work: the decision for one message (null if closing). Never throws. */
    private Pending decide(String topic, byte[] payload, long generation, int id, int qos) {
        try {
            long verifyStart = System.nanoTime();
            Ingestor.Decision decision = classifyPatiently(topic, payload);
            stats.timeVerification(System.nanoTime() - verifyStart);
            if (decision != null && decision.dropped() != null) {
                // Nothing to store or ack: confirmed to the broker at once, counted and logged (rate-limited).
                client.confirm(generation, id, qos);
                long count = stats.countDropped(decision.dropped());
                quarantineLog.log("dropped", decision.dropped(), count, topic, decision.dropped().equals(Ingestor.UNKNOWN_DEVICE)
                        ? "no such device is enrolled" : "not a device's uplink topic");
                return null;
            }
            if (decision != null && decision.misrouted()) {
                long count = stats.countMisrouted();
                quarantineLog.log("received misrouted", "topic_mismatch", count, topic,
                        "a verified message arrived on another topic than its own type's; handled by its signed type");
            }
            if (decision != null && decision.photo() != null && photos == null) {
                decision = new Ingestor.Decision(new Write.Quarantine("photo_not_accepted", topic, decision.photo().deviceId(), null,
                        "this receiver does not accept photos", payload, clock.instant(), true), false);
            }
            return decision == null ? null : new Pending(decision, generation, id, qos, topic);
        } catch (RuntimeException e) {
            LOG.error("ingest failed on a message from {}: {}", topic, e.getMessage(), e);
            return new Pending(Ingestor.quarantine(QuarantineReasons.INTERNAL_ERROR, topic, Ingestor.deviceNamedBy(topic),
                    null, String.valueOf(e), payload, clock.instant()), generation, id, qos, topic);
        }
    }

    /**
     * Writer thread: what a slot holds, ready to write; a photo chunk goes to the photo feature
     * instead (null returned), as does a slot emptied by closing.
     */
    private Pending resolve(Slot slot) throws InterruptedException {
        Pending pending = slot.await();
        if (pending == null) {
            return null;
        }
        Ingestor.Decision decision = pending.decision();
        if (decision.photo() != null) { // photos != null: decide() quarantined it otherwise
            long generation = pending.generation();
            int id = pending.messageId();
            int qos = pending.qos();
            photos.onChunk(decision.photo(), clock.instant(), () -> client.confirm(generation, id, qos));
            return null;
        }
        return pending;
    }

    /** Queues for the writer, waiting while the queue is full (back pressure); false if closing first. */
    private boolean enqueue(Slot slot) throws InterruptedException {
        while (!queue.offer(slot, 100, TimeUnit.MILLISECONDS)) {
            if (!running) {
                return false;
            }
        }
        return true;
    }

    /** Classifies, waiting out a database outage in the registry lookup; null if closing meanwhile. */
    private Ingestor.Decision classifyPatiently(String topic, byte[] payload) {
        long backoff = 100;
        while (running) {
            try {
                return ingestor.classify(topic, payload, clock.instant());
            } catch (StoreException e) {
                LOG.error("cannot look up device keys ({}); retrying in {} ms", e.getMessage(), backoff);
                if (!sleep(backoff)) {
                    return null;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- writer thread

    private void writeLoop() {
        List<Slot> slots = new ArrayList<>(MAX_BATCH);
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Slot first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (!running) {
                        return;
                    }
                    continue;
                }
                slots.clear();
                slots.add(first);
                queue.drainTo(slots, MAX_BATCH - 1);
                lingerForMore(slots);
                batch.clear();
                for (Slot slot : slots) {
                    Pending pending = resolve(slot);
                    if (pending != null) {
                        batch.add(pending);
                    }
                }
                if (batch.isEmpty()) {
                    continue;
                }
                long commitStart = System.nanoTime();
                List<Write.Result> results = writeDurably(batch);
                if (results == null) {
                    return;
                }
                stats.timeCommit(System.nanoTime() - commitStart);
                stats.countBatch(batch.size());
                afterCommit(batch, results);
                pruneNowAndThen();
            } catch (InterruptedException e) {
                LOG.warn("ingest writer interrupted; stopping");
                return;
            } catch (RuntimeException e) {
                LOG.error("ingest writer failed on a batch of {}: {}", batch.size(), e.getMessage(), e);
            }
        }
    }

    /** Deletes quarantine rows past their retention, once per {@link #PRUNE_EVERY}, on the writer thread. */
    private void pruneNowAndThen() {
        Instant now = clock.instant();
        if (now.isBefore(prunedAt.plus(PRUNE_EVERY))) {
            return;
        }
        prunedAt = now;
        try {
            int pruned = store.pruneQuarantine(now);
            if (pruned > 0) {
                LOG.info("deleted {} quarantine rows past their retention", pruned);
            }
        } catch (SQLException | StoreException e) {
            LOG.warn("pruning the quarantine failed ({}); trying again in an hour", e.getMessage());
        }
    }

    /**
     * Under load, waits up to {@link #LINGER} for the batch to fill: one commit (one fsync) for many
     * messages is what makes {@code synchronous=FULL} affordable. A lone message waits at most that.
     */
    private void lingerForMore(List<Slot> batch) throws InterruptedException {
        if (batch.size() >= LINGER_UNTIL) {
            return;
        }
        long deadline = System.nanoTime() + LINGER.toNanos();
        while (batch.size() < LINGER_UNTIL) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Slot next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, MAX_BATCH - batch.size());
        }
    }

    /** Writes the batch; retries while the database is down. Null if closing before it succeeded. */
    private List<Write.Result> writeDurably(List<Pending> batch) {
        List<Write> writes = new ArrayList<>(batch.size());
        batch.forEach(p -> writes.add(p.decision().write()));
        long backoff = 100;
        while (true) {
            try {
                return store.write(writes);
            } catch (SQLException | StoreException e) {
                if (batch.size() > 1) {
                    List<Write.Result> oneByOne = writeOneByOne(batch, writes);
                    if (oneByOne != null) {
                        return oneByOne;
                    }
                }
                LOG.error("cannot write {} messages to the database ({}); nothing is acked, retrying in {} ms",
                        batch.size(), e.getMessage(), backoff);
            }
            if (!sleep(backoff)) {
                return null;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
        }
    }

    /**
     * After a failed batch: each message on its own, a failing one quarantined in its place. Null
     * if even that fails, i.e. the database itself is unavailable.
     */
    private List<Write.Result> writeOneByOne(List<Pending> batch, List<Write> writes) {
        List<Write.Result> results = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            Write write = writes.get(i);
            try {
                results.add(store.write(List.of(write)).get(0));
            } catch (SQLException | StoreException e) {
                boolean verified = !(write instanceof Write.Quarantine q) || q.verified();
                Write.Quarantine instead = new Write.Quarantine(QuarantineReasons.STORE_FAILED, batch.get(i).topic(),
                        Ingestor.deviceNamedBy(batch.get(i).topic()), seqOf(write), "could not be stored: " + e.getMessage(),
                        rawOf(write), clock.instant(), verified);
                try {
                    store.write(List.of(instead));
                } catch (SQLException | StoreException again) {
                    return null;
                }
                batch.set(i, new Pending(new Ingestor.Decision(instead, false), batch.get(i).generation(), batch.get(i).messageId(), batch.get(i).qos(),
                        batch.get(i).topic()));
                results.add(Write.Result.QUARANTINED);
            }
        }
        return results;
    }

    private static Long seqOf(Write write) {
        if (write instanceof Write.Evidence evidence) {
            return evidence.event().seq();
        }
        return write instanceof Write.Quarantine q ? q.seq() : null;
    }

    private static byte[] rawOf(Write write) {
        if (write instanceof Write.Evidence evidence) {
            return evidence.signed().bytes();
        } else if (write instanceof Write.Status status) {
            return status.signed().bytes();
        }
        return ((Write.Quarantine) write).raw();
    }

    private void afterCommit(List<Pending> batch, List<Write.Result> results) {
        for (Pending pending : batch) {
            // A connection gone since it arrived: the broker redelivers it, and the store answers DUPLICATE.
            client.confirm(pending.generation(), pending.messageId(), pending.qos());
        }
        for (int i = 0; i < batch.size(); i++) {
            Ingestor.Decision decision = batch.get(i).decision();
            Ack.Entry entry = account(decision, results.get(i), batch.get(i).topic());
            if (entry != null && decision.ackable()) {
                try {
                    acks.add(deviceOf(decision.write()), entry);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Counts, logs and tells listeners about one written message; returns its ack entry, if any. */
    private Ack.Entry account(Ingestor.Decision decision, Write.Result result, String topic) {
        Write write = decision.write();
        switch (result) {
            case STORED -> {
                stats.countStored();
                Write.Evidence evidence = (Write.Evidence) write;
                if (evidence.clockCheck() != null) {
                    stats.countClockDoubted();
                    LOG.warn("{}#{} stored with its device clock doubted ({}); filed by its receive time", evidence.event().deviceId(),
                            evidence.event().seq(), evidence.clockCheck());
                }
                StoredEvent stored = new StoredEvent(evidence.signed().keyId(), evidence.signed().compact(), evidence.event(),
                        evidence.receivedAt(), evidence.clockCheck());
                for (EvidenceListener listener : listeners) {
                    try {
                        listener.onStored(stored);
                    } catch (RuntimeException e) {
                        LOG.error("evidence listener {} failed on {}#{}: {}", listener, stored.deviceId(), stored.seq(), e.getMessage(), e);
                    }
                }
                return new Ack.Entry(evidence.event().seq(), Ack.Result.STORED, null);
            }
            case DUPLICATE -> {
                stats.countDuplicate();
                return new Ack.Entry(((Write.Evidence) write).event().seq(), Ack.Result.DUPLICATE, null);
            }
            case SEQ_REUSED, KEY_SUPERSEDED -> {
                Write.Evidence evidence = (Write.Evidence) write;
                String reason = result == Write.Result.SEQ_REUSED ? QuarantineReasons.SEQ_REUSED : QuarantineReasons.KEY_SUPERSEDED;
                String detail = result == Write.Result.SEQ_REUSED ? "sequence number reused with different content (tamper alarm)"
                        : "signed by the superseded key " + evidence.signed().keyId() + " after a later key (tamper alarm)";
                quarantined(new EvidenceListener.Quarantined(reason, evidence.event().deviceId(), evidence.event().seq(), detail, true, true,
                        evidence.receivedAt()), topic);
                return new Ack.Entry(evidence.event().seq(), Ack.Result.QUARANTINED, reason);
            }
            case STATUS_SAVED -> {
                stats.countStatus();
                return null;
            }
            case QUARANTINED, QUARANTINE_FULL -> {
                Write.Quarantine q = (Write.Quarantine) write;
                if (result == Write.Result.QUARANTINE_FULL) {
                    stats.countQuarantineFull();
                }
                quarantined(new EvidenceListener.Quarantined(q.reason(), q.deviceId(), q.seq(), q.detail(), q.verified(),
                        result == Write.Result.QUARANTINED, q.receivedAt()), topic);
                return q.seq() == null ? null : new Ack.Entry(q.seq(), Ack.Result.QUARANTINED, q.reason());
            }
            default -> throw new IllegalStateException("unexpected write result " + result);
        }
    }

    private void quarantined(EvidenceListener.Quarantined q, String topic) {
        long count = stats.countQuarantined(q.reason());
        quarantineLog.log(q.reason(), count, topic, q.detail() + (q.kept() ? "" : " (not kept: the quarantine is full; counted)"));
        for (EvidenceListener listener : listeners) {
            try {
                listener.onQuarantined(q);
            } catch (RuntimeException e) {
                LOG.error("evidence listener {} failed on a quarantine of {}: {}", listener, q.deviceId(), e.getMessage(), e);
            }
        }
    }

    private static String deviceOf(Write write) {
        if (write instanceof Write.Evidence evidence) {
            return evidence.event().deviceId();
        }
        return ((Write.Quarantine) write).deviceId();
    }

    /** Sleeps; false if interrupted or closing. */
    private boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return running;
        } catch (InterruptedException e) {
            if (running) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }
}
