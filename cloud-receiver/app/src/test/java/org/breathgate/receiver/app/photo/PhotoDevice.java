package org.breathgate.receiver.app.photo;

import org.breathgate.protocol.Ack;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.Message;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.Topics;
import org.breathgate.protocol.VerificationKey;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A device as a photo test needs it: publishes signed messages, collects the verified acks' entries. */
final class PhotoDevice implements AutoCloseable {

    private final MqttClient client;
    private final MessageSigner signer;
    private final String deviceId;
    final BlockingQueue<Ack.Entry> entries = new LinkedBlockingQueue<>();
    final BlockingQueue<Ack.PhotoEntry> photos = new LinkedBlockingQueue<>();

    /** Logged in to {@code receiver}'s embedded broker as the (enrolled) device, with a login made for it now. */
    PhotoDevice(org.breathgate.receiver.app.Receiver receiver, SigningKey key) throws MqttException {
        this(receiver.brokerUri(), key, receiver.receiverKey(),
                org.breathgate.receiver.app.FakeDevice.login(receiver, key.keyId().owner()), key.keyId().owner());
    }

    PhotoDevice(String brokerUri, SigningKey key, VerificationKey receiverKey) throws MqttException {
        this(brokerUri, key, receiverKey, new MqttConnectOptions(), "photo-device-" + key.keyId().owner() + "-" + System.nanoTime());
    }

    private PhotoDevice(String brokerUri, SigningKey key, VerificationKey receiverKey, MqttConnectOptions options, String clientId)
            throws MqttException {
        this.deviceId = key.keyId().owner();
        this.signer = new MessageSigner(key);
        MessageVerifier verifier = new MessageVerifier(KeyResolver.of(receiverKey));
        this.client = new MqttClient(brokerUri, clientId, new MemoryPersistence());
        options.setMaxInflight(200);
        client.connect(options);
        client.subscribe(Topics.downlink(deviceId, MessageType.ACK), 1, (topic, message) -> {
            try {
                Ack ack = (Ack) verifier.verify(message.getPayload(), KeyId.RECEIVER).message();
                entries.addAll(ack.entries());
                photos.addAll(ack.photos());
            } catch (InvalidMessageException e) {
                throw new IllegalStateException("an ack that does not verify", e);
            }
        });
    }

    void send(Message message) throws MqttException {
        client.publish(Topics.uplink(deviceId, message.type()), signer.sign(message).bytes(), 1, false);
    }

    Ack.Entry nextEntry(Duration wait) throws InterruptedException {
        Ack.Entry e = entries.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(e, "no ack entry within " + wait);
        return e;
    }

    Ack.PhotoEntry nextPhoto(Duration wait) throws InterruptedException {
        Ack.PhotoEntry e = photos.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(e, "no photo answer within " + wait);
        return e;
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }
}
