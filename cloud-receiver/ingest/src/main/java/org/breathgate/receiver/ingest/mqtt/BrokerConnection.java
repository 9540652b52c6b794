package org.breathgate.receiver.ingest.mqtt;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One logical connection to the broker that stays up: it connects in the background, and after a
 * lost connection it throws the old Paho client away and connects a <em>fresh</em> one with the same
 * client id (so a persistent session continues), with capped exponential backoff and jitter.
 *
 * <p>Why not Paho's automatic reconnect: in Paho 1.2.5 it can hang for ever in
 * {@code CommsSender.start} after a broker restart (eclipse-paho/paho.mqtt.java PR #953, unreleased),
 * leaving the receiver silently disconnected — the fault suite's broker-restart test found it. The
 * device agent's publisher makes a fresh client per connection for the same reason.
 *
 * <p>Each connection has a generation number. Manual acknowledgements of received messages must be
 * sent on the generation that received them: {@link #confirm} ignores an older generation, and the
 * broker then delivers that message again on the new connection (storing is idempotent, so the copy
 * is answered as a duplicate and acknowledged then).
 */
final class BrokerConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerConnection.class);
    private static final long FIRST_BACKOFF_MS = 200;

    /** What the owner does on this connection's events; called on Paho's threads. */
    interface Handler {
        /** A connection (re)opened: subscribe here. */
        void connected(MqttAsyncClient client, long generation, boolean reconnect);

        /** A message arrived on {@code generation}; must not throw. */
        void messageArrived(String topic, MqttMessage message, long generation);
    }

    private final String brokerUri;
    private final String clientId;
    private final MqttConnectOptions options;
    private final boolean manualAcks;
    private final Handler handler;
    private final Duration maxBackoff;
    private final Object lock = new Object();
    private MqttAsyncClient current; // guarded by lock
    private long generation; // guarded by lock
    private boolean everConnected; // guarded by lock
    private volatile boolean running = true;
    private Thread connector; // guarded by lock

    BrokerConnection(String brokerUri, String clientId, MqttConnectOptions options, boolean manualAcks, Handler handler, Duration maxBackoff) {
        this.brokerUri = Objects.requireNonNull(brokerUri, "brokerUri");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.options = Objects.requireNonNull(options, "options");
        this.options.setAutomaticReconnect(false);
        this.manualAcks = manualAcks;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
    }

    /** Starts connecting in the background (retrying until the broker answers). */
    void start() {
        reconnectInBackground();
    }

    /** The connected client, or null while disconnected. */
    MqttAsyncClient client() {
        synchronized (lock) {
            return current != null && current.isConnected() ? current : null;
        }
    }

    boolean isConnected() {
        return client() != null;
    }

    /**
     * Tells the broker the message {@code messageId} received on {@code generation} is handled. An
     * older generation's message is not confirmed here: the broker redelivers it on the new connection.
     */
    void confirm(long generation, int messageId, int qos) {
        MqttAsyncClient c;
        synchronized (lock) {
            if (generation != this.generation || current == null) {
                LOG.debug("not confirming message {} of connection {}: now on connection {}", messageId, generation, this.generation);
                return;
            }
            c = current;
        }
        try {
            c.messageArrivedComplete(messageId, qos);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("could not confirm message {} to the broker: {}", messageId, e.getMessage());
        }
    }

    private void reconnectInBackground() {
        synchronized (lock) {
            if (!running || (connector != null && connector.isAlive())) {
                return;
            }
            connector = new Thread(this::connectLoop, "mqtt-connect-" + clientId);
            connector.setDaemon(true);
            connector.start();
        }
    }

    private void connectLoop() {
        long backoff = FIRST_BACKOFF_MS;
        while (running) {
            MqttAsyncClient fresh = null;
            long gen;
            try {
                synchronized (lock) {
                    discardCurrent();
                    gen = ++generation;
                }
                fresh = new MqttAsyncClient(brokerUri, clientId, new MemoryPersistence());
                fresh.setManualAcks(manualAcks);
                fresh.setCallback(new GenerationCallback(gen));
                synchronized (lock) {
                    current = fresh;
                }
                fresh.connect(options).waitForCompletion(options.getConnectionTimeout() * 1000L + 5_000);
                boolean reconnect;
                synchronized (lock) {
                    reconnect = everConnected;
                    everConnected = true;
                    connector = null;
                }
                LOG.debug("{} to {} as {} (connection {})", reconnect ? "reconnected" : "connected", brokerUri, clientId, gen);
                handler.connected(fresh, gen, reconnect);
                return;
            } catch (MqttException | RuntimeException e) {
                LOG.warn("cannot connect to the MQTT broker at {} as {} ({}); retrying in {} ms", brokerUri, clientId, e.getMessage(), backoff);
                closeQuietly(fresh);
                synchronized (lock) {
                    if (current == fresh) {
                        current = null;
                    }
                }
            }
            long jittered = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
            try {
                Thread.sleep(jittered);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = Math.min(backoff * 2, maxBackoff.toMillis());
        }
        synchronized (lock) {
            connector = null;
        }
    }

    /** Must hold lock. */
    private void discardCurrent() {
        MqttAsyncClient old = current;
        current = null;
        if (old != null) {
            Thread closer = new Thread(() -> closeQuietly(old), "mqtt-close-" + clientId);
            closer.setDaemon(true);
            closer.start(); // closing a wedged Paho client can block; never hold up the reconnect for it
        }
    }

    private static void closeQuietly(MqttAsyncClient c) {
        if (c == null) {
            return;
        }
        try {
            if (c.isConnected()) {
                c.disconnectForcibly(0, 1_000, false);
            }
        } catch (MqttException | RuntimeException e) {
            LOG.debug("disconnecting {} failed: {}", c.getClientId(), e.getMessage());
        }
        try {
            c.close(true);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("closing MQTT client {} failed: {}", c.getClientId(), e.getMessage());
        }
    }

    /** Disconnects cleanly and stops reconnecting. */
    @Override
    public void close() {
        MqttAsyncClient c;
        Thread t;
        synchronized (lock) {
            running = false;
            c = current;
            current = null;
            t = connector;
        }
        if (t != null) {
            t.interrupt();
        }
        if (c != null) {
            try {
                if (c.isConnected()) {
                    c.disconnect(2_000).waitForCompletion(3_000);
                }
            } catch (MqttException | RuntimeException e) {
                LOG.debug("disconnecting {} from {} failed: {}", clientId, brokerUri, e.getMessage());
            }
            closeQuietly(c);
        }
    }

    private final class GenerationCallback implements MqttCallback {
        private final long gen;

        GenerationCallback(long gen) {
            this.gen = gen;
        }

        @Override
        public void connectionLost(Throwable cause) {
            LOG.warn("lost the connection to {} as {} ({}); reconnecting with a fresh client", brokerUri, clientId,
                    cause == null ? "?" : cause.getMessage());
            synchronized (lock) {
                if (gen != generation) {
                    return;
                }
            }
            reconnectInBackground();
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            handler.messageArrived(topic, message, gen);
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }
}
