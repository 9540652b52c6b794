package org.breathgate.testkit;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MosquittoBrokerIT {

    @Test
    void a_qos1_message_reaches_a_subscriber() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start()) {
            Inbox inbox = new Inbox();
            MqttClient sub = inbox.connect(broker.uri(), "sub", new MqttConnectOptions());
            sub.subscribe("t/#", 1);
            MqttClient pub = connect(broker.uri(), "pub", new MqttConnectOptions());
            pub.publish("t/1", "hello".getBytes(StandardCharsets.UTF_8), 1, false);
            assertEquals("t/1:hello", inbox.next());
            pub.disconnect();
            sub.disconnect();
        }
    }

    @Test
    void restart_keeps_the_port_and_persistent_sessions_keep_their_queued_messages() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(MosquittoBroker.Options.plain().withPersistence())) {
            String uri = broker.uri();
            MqttConnectOptions durable = new MqttConnectOptions();
            durable.setCleanSession(false);
            Inbox inbox = new Inbox();
            MqttClient sub = inbox.connect(uri, "durable-sub", durable);
            sub.subscribe("t/#", 1);
            sub.disconnect();

            MqttClient pub = connect(uri, "pub", new MqttConnectOptions());
            pub.publish("t/queued", "kept".getBytes(StandardCharsets.UTF_8), 1, false);
            pub.disconnect();
            broker.restart();

            assertEquals(uri, broker.uri());
            sub.connect(durable);
            assertEquals("t/queued:kept", inbox.next());
            sub.disconnect();
        }
    }

    @Test
    void the_tls_listener_serves_clients_that_trust_the_test_ca() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(MosquittoBroker.Options.plain().withTls())) {
            MqttConnectOptions tls = new MqttConnectOptions();
            tls.setSocketFactory(broker.certificates().clientSocketFactory());
            Inbox inbox = new Inbox();
            MqttClient sub = inbox.connect(broker.tlsUri(), "tls-sub", tls);
            sub.subscribe("t/#", 1);
            MqttClient pub = connect(broker.tlsUri(), "tls-pub", tls);
            pub.publish("t/secure", "x".getBytes(StandardCharsets.UTF_8), 1, false);
            assertEquals("t/secure:x", inbox.next());
            pub.disconnect();
            sub.disconnect();
        }
    }

    @Test
    void with_users_anonymous_clients_are_refused_and_the_acl_limits_topics() throws Exception {
        MosquittoBroker.Options options = MosquittoBroker.Options.plain()
                .withUser("alice", "alice-secret").withUser("watcher", "watcher-secret")
                .withAcl("user watcher\ntopic read #\n\npattern write own/%u/#\n");
        try (MosquittoBroker broker = MosquittoBroker.start(options)) {
            assertThrows(MqttException.class, () -> connect(broker.uri(), "anon", new MqttConnectOptions()));

            Inbox inbox = new Inbox();
            MqttClient watcher = inbox.connect(broker.uri(), "watcher", login("watcher", "watcher-secret"));
            watcher.subscribe("own/#", 1);
            MqttClient alice = connect(broker.uri(), "alice", login("alice", "alice-secret"));
            alice.publish("own/bob/x", "forged".getBytes(StandardCharsets.UTF_8), 1, false);
            alice.publish("own/alice/x", "genuine".getBytes(StandardCharsets.UTF_8), 1, false);
            assertEquals("own/alice/x:genuine", inbox.next());
            assertNull(inbox.poll(300), "the broker delivered a message the ACL forbids");
            alice.disconnect();
            watcher.disconnect();
        }
    }

    @Test
    void stop_makes_the_port_refuse_connections() {
        try (MosquittoBroker broker = MosquittoBroker.start()) {
            assertTrue(broker.isRunning());
            broker.stop();
            assertFalse(broker.isRunning());
            assertFalse(Ports.accepts(broker.port()));
        }
    }

    static MqttConnectOptions login(String user, String password) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        return options;
    }

    static MqttClient connect(String uri, String id, MqttConnectOptions options) throws MqttException {
        MqttClient client = new MqttClient(uri, id, new MemoryPersistence());
        options.setConnectionTimeout(10);
        client.connect(options);
        return client;
    }

    /** Collects "topic:payload" of every message a client receives. */
    static final class Inbox implements MqttCallback {
        private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

        MqttClient connect(String uri, String id, MqttConnectOptions options) throws MqttException {
            MqttClient client = new MqttClient(uri, id, new MemoryPersistence());
            client.setCallback(this);
            options.setConnectionTimeout(10);
            client.connect(options);
            return client;
        }

        String next() throws InterruptedException {
            String message = received.poll(10, TimeUnit.SECONDS);
            assertTrue(message != null, "no message arrived within 10 s");
            return message;
        }

        String poll(long millis) throws InterruptedException {
            return received.poll(millis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            received.add(topic + ":" + new String(message.getPayload(), StandardCharsets.UTF_8));
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }
}
