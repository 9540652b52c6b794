package org.breathgate.receiver.ingest.broker;

import org.breathgate.testkit.Ports;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the embedded broker does when a subscriber's queue fills: the receiver's persistent session is away while a
 * device publishes a burst at QoS 1. Measured and printed ({@code queue: published=… delivered=… limit=…}); HiveMQ CE keeps
 * at most {@code max-queue-size} messages for one client and silently discards the newest beyond it (strategy
 * {@code discard}), so the limit is chosen to hold a fleet's backlog, and what it cannot hold devices resend (they delete
 * an event only on the receiver's signed ack).
 */
class EmbeddedBrokerQueueIT {

    @TempDir
    Path dir;

    private static final DeviceLogins ONE_DEVICE = new DeviceLogins() {
        @Override
        public Optional<String> check(String username, String password) {
            return username.equals("home-0001") && password.equals("pw-0001-long-enough") ? Optional.of("v1") : Optional.empty();
        }

        @Override
        public Optional<String> currentVersion(String deviceId) {
            return deviceId.equals("home-0001") ? Optional.of("v1") : Optional.empty();
        }

        @Override
        public long position() {
            return 0;
        }

        @Override
        public Changes changedAfter(long position) {
            return new Changes(0, Set.of());
        }
    };

    @Test
    void a_burst_within_the_queue_limit_reaches_an_away_receiver_whole_and_beyond_it_the_newest_are_discarded() throws Exception {
        int limit = 5_000;
        try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start(new EmbeddedMqttBroker.Settings(dir, "127.0.0.1", Ports.free(), null, 0,
                null, EmbeddedMqttBroker.Settings.DEFAULT_MAX_PACKET_BYTES, limit), ONE_DEVICE)) {
            assertEquals(limit, burst(broker, limit), "everything within the limit arrives");
            int over = limit + 2_000;
            int delivered = burst(broker, over);
            System.out.printf("queue: published=%d delivered=%d limit=%d discarded=%d (HiveMQ CE, strategy discard)%n", over, delivered,
                    limit, over - delivered);
            assertEquals(limit, delivered, "HiveMQ keeps the limit and discards the rest");
        }
    }

    /** HiveMQ CE's own window, which the receiver's batched confirmations outgrew. */
    private static final int HIVEMQ_DEFAULT_WINDOW = 50;

    @Test
    void a_receiver_that_confirms_in_batches_gets_more_than_hivemqs_default_window_in_flight_and_everything_in_the_end() throws Exception {
        int published = EmbeddedMqttBroker.IN_FLIGHT_WINDOW + 100;
        try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start(new EmbeddedMqttBroker.Settings(dir, "127.0.0.1", Ports.free(), null, 0,
                null, EmbeddedMqttBroker.Settings.DEFAULT_MAX_PACKET_BYTES, 5_000), ONE_DEVICE)) {
            // as the receiver: PUBACKs only when told, which it does after each commit
            ConcurrentLinkedQueue<Integer> unconfirmed = new ConcurrentLinkedQueue<>();
            MqttAsyncClient receiver = new MqttAsyncClient(broker.uri(), "window-receiver", new MemoryPersistence());
            receiver.setManualAcks(true);
            receiver.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    unconfirmed.add(message.getId());
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(false);
            options.setUserName(EmbeddedMqttBroker.RECEIVER_USERNAME);
            options.setPassword(broker.receiverPassword().toCharArray());
            receiver.connect(options).waitForCompletion(10_000);
            receiver.subscribe("$share/breathgate-receivers/breathgate/v1/devices/+/up/+", 1).waitForCompletion(10_000);

            MqttAsyncClient device = client(broker, "home-0001", "home-0001", "pw-0001-long-enough", true, null);
            for (int i = 0; i < published; i++) { // a backlog, as after the receiver's restart
                device.publish("breathgate/v1/devices/home-0001/up/reading", new byte[300], 1, false).waitForCompletion(10_000);
            }
            AtomicInteger most = new AtomicInteger();
            int confirmed = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (confirmed < published && System.nanoTime() < deadline) {
                Thread.sleep(20); // a commit
                most.accumulateAndGet(unconfirmed.size(), Math::max);
                Integer id;
                while ((id = unconfirmed.poll()) != null) {
                    receiver.messageArrivedComplete(id, 1);
                    confirmed++;
                }
            }
            System.out.printf("window: at most %d unconfirmed at once (HiveMQ's default %d, ours %d); %d of %d confirmed%n", most.get(),
                    HIVEMQ_DEFAULT_WINDOW, EmbeddedMqttBroker.IN_FLIGHT_WINDOW, confirmed, published);
            assertEquals(published, confirmed, "every message arrives");
            assertTrue(most.get() > HIVEMQ_DEFAULT_WINDOW && most.get() <= EmbeddedMqttBroker.IN_FLIGHT_WINDOW,
                    "more than HiveMQ's default in flight, never more than the window: " + most.get());
            device.disconnect().waitForCompletion(10_000);
            device.close();
            receiver.disconnect().waitForCompletion(10_000);
            receiver.close();
        }
    }

    /** The receiver subscribes, goes away, the device publishes {@code count} messages, the receiver comes back: how many arrive. */
    private static int burst(EmbeddedMqttBroker broker, int count) throws Exception {
        String receiverId = "r-" + count;
        AtomicInteger arrived = new AtomicInteger();
        MqttAsyncClient receiver = client(broker, receiverId, EmbeddedMqttBroker.RECEIVER_USERNAME, broker.receiverPassword(), false, arrived);
        receiver.subscribe("$share/breathgate-receivers/breathgate/v1/devices/+/up/+", 1).waitForCompletion(10_000);
        receiver.disconnect().waitForCompletion(10_000);
        receiver.close();

        MqttAsyncClient device = client(broker, "home-0001", "home-0001", "pw-0001-long-enough", true, null);
        byte[] payload = new byte[300];
        IMqttDeliveryToken last = null;
        for (int i = 0; i < count; i++) {
            while (true) {
                try {
                    last = device.publish("breathgate/v1/devices/home-0001/up/reading", payload, 1, false);
                    break;
                } catch (MqttException e) {
                    if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT) {
                        throw e;
                    }
                    Thread.sleep(1);
                }
            }
        }
        last.waitForCompletion(60_000);
        device.disconnect().waitForCompletion(10_000);
        device.close();

        MqttAsyncClient back = client(broker, receiverId, EmbeddedMqttBroker.RECEIVER_USERNAME, broker.receiverPassword(), false, arrived);
        int seen = -1;
        while (seen != arrived.get()) { // until nothing more comes for a second
            seen = arrived.get();
            Thread.sleep(1_000);
        }
        back.disconnect().waitForCompletion(10_000);
        back.close();
        return arrived.get();
    }

    private static MqttAsyncClient client(EmbeddedMqttBroker broker, String id, String user, String password, boolean clean,
                                          AtomicInteger arrived) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(broker.uri(), id, new MemoryPersistence());
        if (arrived != null) {
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    arrived.incrementAndGet();
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
        }
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(clean);
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        options.setMaxInflight(1_000);
        client.connect(options).waitForCompletion(10_000);
        return client;
    }
}
