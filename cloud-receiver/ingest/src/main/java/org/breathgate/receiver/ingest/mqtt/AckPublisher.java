package org.breathgate.receiver.ingest.mqtt;

import org.breathgate.protocol.Ack;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.Topics;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Signs and publishes acks on its own thread, so the writer goes on to the next transaction while
 * acks go out. Entries that pile up while it signs are coalesced per device (at most
 * {@link Ack#MAX_ENTRIES} per ack): one entry per ack when traffic is light, so acks are prompt;
 * fewer, larger acks under a burst (a fleet coming back online), so signing keeps up.
 */
final class AckPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AckPublisher.class);
    private static final int QUEUE_CAPACITY = 100_000;

    private record Pending(String deviceId, Ack.Entry entry, Ack.PhotoEntry photo) {
    }

    private final Supplier<MqttAsyncClient> client;
    private final MessageSigner signer;
    private final Clock clock;
    private final IngestStats stats;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    private volatile boolean running = true;

    /** @param client the connected ack client right now, or null while disconnected */
    AckPublisher(Supplier<MqttAsyncClient> client, MessageSigner signer, Clock clock, IngestStats stats) {
        this.client = client;
        this.signer = signer;
        this.clock = clock;
        this.stats = stats;
        this.thread = new Thread(this::run, "ack-publisher");
    }

    void start() {
        thread.start();
    }

    /** Queues an ack entry for {@code deviceId}; waits if the queue is full (back pressure on the writer). */
    void add(String deviceId, Ack.Entry entry) throws InterruptedException {
        queue.put(new Pending(deviceId, entry, null));
    }

    /** Queues a photo entry for {@code deviceId}; waits if the queue is full. */
    void addPhoto(String deviceId, Ack.PhotoEntry entry) throws InterruptedException {
        queue.put(new Pending(deviceId, null, entry));
    }

    /** Publishes what is queued, then stops. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Pending> drained = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                drained.clear();
                drained.add(first);
                queue.drainTo(drained);
                Map<String, List<Ack.Entry>> byDevice = new LinkedHashMap<>();
                Map<String, Map<Long, Ack.PhotoEntry>> photosByDevice = new LinkedHashMap<>();
                for (Pending p : drained) {
                    List<Ack.Entry> entries = byDevice.computeIfAbsent(p.deviceId(), d -> new ArrayList<>());
                    if (p.entry() != null) {
                        entries.add(p.entry());
                    } else {
                        // One answer per photo per ack: the latest says where it stands.
                        photosByDevice.computeIfAbsent(p.deviceId(), d -> new LinkedHashMap<>()).put(p.photo().seq(), p.photo());
                    }
                }
                Instant now = clock.instant();
                byDevice.forEach((deviceId, entries) -> {
                    List<Ack.PhotoEntry> photos = new ArrayList<>(photosByDevice.getOrDefault(deviceId, Map.of()).values());
                    int e = 0;
                    int p = 0;
                    while (e < entries.size() || p < photos.size()) {
                        List<Ack.Entry> someEntries = entries.subList(e, Math.min(entries.size(), e + Ack.MAX_ENTRIES));
                        List<Ack.PhotoEntry> somePhotos = photos.subList(p, Math.min(photos.size(), p + Ack.MAX_PHOTO_ENTRIES));
                        publish(new Ack(deviceId, now, someEntries, somePhotos));
                        e += someEntries.size();
                        p += somePhotos.size();
                    }
                });
            } catch (InterruptedException e) {
                LOG.warn("ack publisher interrupted; {} acks not sent (devices will resend and get duplicate)", queue.size());
                return;
            } catch (RuntimeException e) {
                LOG.error("ack publisher failed: {}", e.getMessage(), e);
            }
        }
    }

    private void publish(Ack ack) {
        byte[] payload = signer.sign(ack).bytes();
        String topic = Topics.downlink(ack.deviceId(), MessageType.ACK);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                MqttAsyncClient connected = client.get();
                if (connected == null) {
                    // The device sends again and gets DUPLICATE: an ack lost here costs a resend, not evidence.
                    LOG.debug("not connected: ack to {} not sent", ack.deviceId());
                    return;
                }
                connected.publish(topic, payload, MessageType.ACK.qos(), MessageType.ACK.retained());
                stats.countAck();
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT || System.nanoTime() > deadline) {
                    // The device sends again and gets DUPLICATE: an ack lost here costs a resend, not evidence.
                    LOG.debug("could not publish an ack to {}: {}", ack.deviceId(), e.getMessage());
                    return;
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
