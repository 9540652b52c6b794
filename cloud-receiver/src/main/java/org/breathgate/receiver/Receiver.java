package org.breathgate.receiver;

import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.receiver.broker.EmbeddedMqttBroker;
import org.breathgate.receiver.config.ConfigException;
import org.breathgate.receiver.config.ReceiverConfig;
import org.breathgate.receiver.config.ReceiverKeys;
import org.breathgate.receiver.device.DeviceRegistry;
import org.breathgate.receiver.ingest.EvidenceListener;
import org.breathgate.receiver.ingest.IngestStats;
import org.breathgate.receiver.ingest.MqttIngest;
import org.breathgate.receiver.ingest.MqttSettings;
import org.breathgate.receiver.store.Database;
import org.breathgate.receiver.store.EvidenceStore;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A running cloud receiver: database, device registry, evidence store, (embedded) broker and MQTT
 * ingest, wired by plain constructors. Later layers (care workflow, web UI) take the
 * {@link #registry()} and {@link #store()} from here and register an {@link EvidenceListener}.
 */
public final class Receiver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Receiver.class);

    private final EmbeddedMqttBroker broker;
    private final Database database;
    private final DeviceRegistry registry;
    private final EvidenceStore store;
    private final SigningKey receiverKey;
    private final MqttIngest ingest;
    private final String brokerUri;

    private Receiver(EmbeddedMqttBroker broker, Database database, DeviceRegistry registry, EvidenceStore store,
                     SigningKey receiverKey, MqttIngest ingest, String brokerUri) {
        this.broker = broker;
        this.database = database;
        this.registry = registry;
        this.store = store;
        this.receiverKey = receiverKey;
        this.ingest = ingest;
        this.brokerUri = brokerUri;
    }

    /**
     * Starts everything {@code config} asks for. Connecting to an external broker goes on in the
     * background until it answers; see {@link #awaitReady(Duration)}.
     *
     * @throws ConfigException if the key file or CA file is unusable
     * @throws org.breathgate.receiver.store.StoreException if the database cannot be opened or migrated
     */
    public static Receiver start(ReceiverConfig config, Clock clock, List<EvidenceListener> listeners) {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            SigningKey key = ReceiverKeys.loadOrCreate(config.receiverKeyFile(), config.receiverKeyVersion(), new SecureRandom());
            Database database = Database.open(config.jdbcUrl());
            started.add(database);
            DeviceRegistry registry = new DeviceRegistry(database, clock);
            EvidenceStore store = new EvidenceStore(database);
            EmbeddedMqttBroker broker = null;
            String uri = config.brokerUri();
            if (config.embeddedBroker()) {
                broker = EmbeddedMqttBroker.start(config.embeddedBind(), config.embeddedPort(), config.dataDir().resolve("broker"));
                started.add(broker);
                uri = broker.uri();
            }
            MqttSettings settings = new MqttSettings(uri, config.mqttClientId(), config.mqttUsername(), config.readMqttPassword(),
                    config.mqttCaFile() == null ? null : trusting(config));
            MqttIngest ingest = new MqttIngest(settings, registry, store, key, clock, listeners);
            ingest.start();
            LOG.info("receiver {} started: broker {}, database {}, ack key {}", config.mqttClientId(), uri,
                    database.dialect().name().toLowerCase(java.util.Locale.ROOT), key.keyId());
            return new Receiver(broker, database, registry, store, key, ingest, uri);
        } catch (MqttException e) {
            closeAll(started);
            throw new ConfigException("cannot create the MQTT client for " + config.brokerUri() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    /** Waits until ingest has subscribed to the uplink topics; false if {@code timeout} passed first. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return ingest.awaitSubscribed(timeout);
    }

    /** The enrolled devices: enroll, revoke, look up. */
    public DeviceRegistry registry() {
        return registry;
    }

    /** Stored evidence, status and quarantine: queries. */
    public EvidenceStore store() {
        return store;
    }

    /** What ingest did since start. */
    public IngestStats stats() {
        return ingest.stats();
    }

    /** The broker the receiver uses (the embedded one's URI when embedded). */
    public String brokerUri() {
        return brokerUri;
    }

    /** The public key devices verify acks with. */
    public VerificationKey receiverKey() {
        return receiverKey.verificationKey();
    }

    /** Stops ingest (finishing the current batch), then the embedded broker, then the database. */
    @Override
    public void close() {
        ingest.close();
        if (broker != null) {
            broker.close();
        }
        database.close();
        LOG.info("receiver stopped: {}", ingest.stats());
    }

    private static SSLSocketFactory trusting(ReceiverConfig config) {
        try (InputStream in = Files.newInputStream(config.mqttCaFile())) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new ConfigException(ReceiverConfig.MQTT_CA_FILE + " " + config.mqttCaFile() + " holds no certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("cannot read " + ReceiverConfig.MQTT_CA_FILE + " " + config.mqttCaFile()
                    + " as PEM certificates: " + e.getMessage(), e);
        }
    }

    private static void closeAll(List<AutoCloseable> started) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warn("cleaning up after a failed start: {}", e.getMessage());
            }
        }
    }
}
