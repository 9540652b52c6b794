package org.breathgate.testkit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class EmbeddedBrokerIT {

    @Test
    void a_shared_subscription_receives_through_the_client_callback_and_restart_keeps_the_port() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            MosquittoBrokerIT.Inbox inbox = new MosquittoBrokerIT.Inbox();
            MqttClient sub = inbox.connect(broker.uri(), "sub", new MqttConnectOptions());
            sub.subscribe("$share/group/t/+/up", 1);
            MqttClient pub = MosquittoBrokerIT.connect(broker.uri(), "pub", new MqttConnectOptions());
            pub.publish("t/a/up", "one".getBytes(StandardCharsets.UTF_8), 1, false);
            assertEquals("t/a/up:one", inbox.next());
            pub.disconnect();
            sub.disconnect();

            String uri = broker.uri();
            broker.restart();
            assertEquals(uri, broker.uri());
            MqttClient again = MosquittoBrokerIT.connect(broker.uri(), "pub", new MqttConnectOptions());
            again.disconnect();
            broker.stop();
            assertFalse(Ports.accepts(broker.port()));
        }
    }
}
