package org.breathgate.receiver.ingest.broker;

import org.breathgate.receiver.https.TlsIdentity;
import org.breathgate.testkit.Ports;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded broker's door against real clients (Paho) on its real listeners, with logins from an in-memory stand-in
 * for the device registry. The receiver-wide proofs (enrollment, revocation through the registry, Mosquitto) are in
 * {@code BrokerSecurityIT} in the app room.
 */
class EmbeddedBrokerGuardIT {

    @TempDir
    Path dir;

    /** device id -> password; every change is logged for the watch. */
    private final Map<String, String> passwords = new ConcurrentHashMap<>();
    private final List<String> changes = new CopyOnWriteArrayList<>();
    private final AtomicLong position = new AtomicLong();
    private EmbeddedMqttBroker broker;
    private TlsIdentity tls;

    private final DeviceLogins logins = new DeviceLogins() {
        @Override
        public Optional<String> check(String username, String password) {
            return password.equals(passwords.get(username)) ? Optional.of(password) : Optional.empty();
        }

        @Override
        public Optional<String> currentVersion(String deviceId) {
            return Optional.ofNullable(passwords.get(deviceId));
        }

        @Override
        public long position() {
            return changes.size();
        }

        @Override
        public Changes changedAfter(long after) {
            int now = changes.size();
            return new Changes(now, Set.copyOf(changes.subList((int) after, now)));
        }
    };

    @BeforeEach
    void start() {
        passwords.put("home-0001", "pw-0001-long-enough");
        passwords.put("home-0002", "pw-0002-long-enough");
        tls = TlsIdentity.selfSigned(List.of(), new SecureRandom());
        broker = EmbeddedMqttBroker.start(new EmbeddedMqttBroker.Settings(dir, "127.0.0.1", Ports.free(), "127.0.0.1", Ports.free(), tls,
                EmbeddedMqttBroker.Settings.DEFAULT_MAX_PACKET_BYTES, EmbeddedMqttBroker.Settings.DEFAULT_MAX_QUEUED_MESSAGES), logins);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private MqttClient connect(String uri, String clientId, String user, String password) throws MqttException {
        MqttClient client = new MqttClient(uri, clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setConnectionTimeout(10);
        options.setAutomaticReconnect(false);
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password.toCharArray());
        }
        if (uri.startsWith("ssl:")) {
            options.setSocketFactory(trusting());
        }
        try {
            client.connect(options);
        } catch (MqttException e) {
            client.close();
            throw e;
        }
        return client;
    }

    /** Paho 1.2.5 does not hand a shared subscription's messages to a per-subscription listener: one callback for all. */
    private static void onEveryMessage(MqttClient client, org.eclipse.paho.client.mqttv3.IMqttMessageListener listener) {
        client.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) throws Exception {
                listener.messageArrived(topic, message);
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
    }

    private javax.net.ssl.SSLSocketFactory trusting() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("broker", tls.certificate());
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, f.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anonymous_clients_and_wrong_passwords_are_refused_on_both_listeners() {
        for (String uri : List.of(broker.uri(), broker.tlsUri().orElseThrow())) {
            MqttException anonymous = assertThrows(MqttException.class, () -> connect(uri, "home-0001", null, null));
            assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, anonymous.getReasonCode(), uri);
            MqttException wrong = assertThrows(MqttException.class, () -> connect(uri, "home-0001", "home-0001", "guess"));
            assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, wrong.getReasonCode(), uri);
        }
    }

    @Test
    void a_device_logs_in_over_tls_with_its_own_client_id_only() throws Exception {
        MqttClient device = connect(broker.tlsUri().orElseThrow(), "home-0001", "home-0001", "pw-0001-long-enough");
        assertTrue(device.isConnected());
        device.disconnect();
        device.close();
        assertThrows(MqttException.class, () -> connect(broker.uri(), "home-0002", "home-0001", "pw-0001-long-enough"),
                "another device's client id");
        assertThrows(MqttException.class, () -> connect(broker.uri(), "breathgate-receiver-x", "home-0001", "pw-0001-long-enough"),
                "a receiver's client id");
    }

    @Test
    void a_device_reads_and_writes_only_its_own_topics_and_a_receiver_gets_its_uplink() throws Exception {
        List<String> atReceiver = new CopyOnWriteArrayList<>();
        List<String> atDevice2 = new CopyOnWriteArrayList<>();
        MqttClient receiver = connect(broker.uri(), "r1", EmbeddedMqttBroker.RECEIVER_USERNAME, broker.receiverPassword());
        onEveryMessage(receiver, (t, m) -> atReceiver.add(t));
        receiver.subscribe("$share/breathgate-receivers/breathgate/v1/devices/+/up/+", 1);
        MqttClient device1 = connect(broker.uri(), "home-0001", "home-0001", "pw-0001-long-enough");
        MqttClient device2 = connect(broker.uri(), "home-0002", "home-0002", "pw-0002-long-enough");
        device2.subscribe("breathgate/v1/devices/home-0002/down/+", 1, (t, m) -> atDevice2.add(t));

        int[] granted = device1.subscribeWithResponse(new String[] {"breathgate/v1/devices/#"}, new int[] {1}).getGrantedQos();
        assertEquals(0x80, granted[0], "a device reading everyone's topics is refused");
        granted = device1.subscribeWithResponse(new String[] {"$share/breathgate-receivers/breathgate/v1/devices/+/up/+"}, new int[] {1})
                .getGrantedQos();
        assertEquals(0x80, granted[0], "a device joining the receivers' shared subscription is refused");

        device1.publish("breathgate/v1/devices/home-0001/up/reading", "mine".getBytes(StandardCharsets.US_ASCII), 1, false);
        // MQTT 3.1.1 has no negative PUBACK: HiveMQ drops a refused publish (and may close the connection).
        try {
            device1.publish("breathgate/v1/devices/home-0002/up/reading", "forged".getBytes(StandardCharsets.US_ASCII), 1, false);
            device1.publish("breathgate/v1/devices/home-0002/down/config", "junk".getBytes(StandardCharsets.US_ASCII), 1, true);
        } catch (MqttException e) {
            // closed: refused all the same
        }
        Thread.sleep(500);
        assertEquals(List.of("breathgate/v1/devices/home-0001/up/reading"), atReceiver);
        assertEquals(List.of(), atDevice2);

        receiver.publish("breathgate/v1/devices/home-0002/down/ack", "ack".getBytes(StandardCharsets.US_ASCII), 1, false);
        for (int i = 0; i < 50 && atDevice2.isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertEquals(List.of("breathgate/v1/devices/home-0002/down/ack"), atDevice2);
        for (MqttClient c : List.of(receiver, device2)) {
            c.disconnect();
            c.close();
        }
        device1.close();
    }

    @Test
    void a_device_whose_login_is_removed_is_disconnected_within_a_second_and_cannot_come_back() throws Exception {
        MqttClient device = connect(broker.uri(), "home-0001", "home-0001", "pw-0001-long-enough");
        passwords.remove("home-0001");
        long start = System.nanoTime();
        changes.add("home-0001");
        while (device.isConnected() && System.nanoTime() - start < 5_000_000_000L) {
            Thread.sleep(10);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertFalse(device.isConnected(), "still connected after 5 s");
        assertTrue(millis < 1000, "disconnected after " + millis + " ms");
        device.close();
        assertThrows(MqttException.class, () -> connect(broker.uri(), "home-0001", "home-0001", "pw-0001-long-enough"));
    }

    @Test
    void a_one_megabyte_publish_is_refused_and_the_broker_carries_on() throws Exception {
        List<String> atReceiver = new CopyOnWriteArrayList<>();
        MqttClient receiver = connect(broker.uri(), "r1", EmbeddedMqttBroker.RECEIVER_USERNAME, broker.receiverPassword());
        onEveryMessage(receiver, (t, m) -> atReceiver.add(t + " " + m.getPayload().length));
        receiver.subscribe("$share/breathgate-receivers/breathgate/v1/devices/+/up/+", 1);
        MqttClient device = connect(broker.uri(), "home-0001", "home-0001", "pw-0001-long-enough");
        try {
            device.publish("breathgate/v1/devices/home-0001/up/reading", new byte[1024 * 1024], 1, false);
        } catch (MqttException e) {
            // the broker closed the connection: refused
        }
        for (int i = 0; i < 100 && device.isConnected(); i++) {
            Thread.sleep(10);
        }
        assertFalse(device.isConnected(), "the broker closes the connection of a client sending a packet over its limit");
        device.close();
        MqttClient again = connect(broker.uri(), "home-0001", "home-0001", "pw-0001-long-enough");
        again.publish("breathgate/v1/devices/home-0001/up/reading", new byte[16 * 1024], 1, false);
        for (int i = 0; i < 100 && atReceiver.isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertEquals(List.of("breathgate/v1/devices/home-0001/up/reading 16384"), atReceiver);
        again.disconnect();
        again.close();
        receiver.disconnect();
        receiver.close();
    }
}
