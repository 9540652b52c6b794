package org.breathgate.receiver.ingest;

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

/**
 * Signs and publishes acks on its own thread, so the writer goes on to the next transaction while
 * acks go out. Entries that pile up while it signs are coalesced per device (at most
 * {@link Ack#MAX_ENTRIES} per ack): one entry per ack when traffic is light, so acks are prompt;
 * fewer, larger acks under a burst (a fleet coming back online), so signing keeps up.
 */
final class AckPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AckPublisher.class);
    private static final int QUEUE_CAPACITY = 100_000;

    private record Pending(String deviceId, Ack.Entry entry) {
    }

    private final MqttAsyncClient client;
    private final MessageSigner signer;
    private final Clock clock;
    private final IngestStats stats;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    private volatile boolean running = true;

    AckPublisher(MqttAsyncClient client, MessageSigner signer, Clock clock, IngestStats stats) {
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
        queue.put(new Pending(deviceId, entry));
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
                for (Pending p : drained) {
                    byDevice.computeIfAbsent(p.deviceId(), d -> new ArrayList<>()).add(p.entry());
                }
                Instant now = clock.instant();
                byDevice.forEach((deviceId, entries) -> {
                    for (int from = 0; from < entries.size(); from += Ack.MAX_ENTRIES) {
                        publish(new Ack(deviceId, now, entries.subList(from, Math.min(entries.size(), from + Ack.MAX_ENTRIES))));
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
                client.publish(topic, payload, MessageType.ACK.qos(), MessageType.ACK.retained());
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
