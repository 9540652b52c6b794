package org.breathgate.receiver.app;

import org.breathgate.protocol.SigningKey;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.evidence.device.BrokerLogins;
import org.breathgate.receiver.evidence.store.EvidenceListener;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.TestKeys;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A receiver and the broker its devices log in to, for the broker's proofs on both real brokers: the receiver's own
 * embedded HiveMQ (devices on its TLS listener, logins from the registry), or Debian's Mosquitto as a process with the
 * dynamic security plugin, driven by the receiver (devices on Mosquitto's TLS listener).
 */
final class BrokerBench implements AutoCloseable {

    /** Which broker. */
    enum Kind { EMBEDDED, MOSQUITTO }

    static final Duration WAIT = Duration.ofSeconds(20);
    static final String ADMIN_PASSWORD = "receiver-dynsec-admin-secret";

    final Kind kind;
    final Receiver receiver;
    final MosquittoBroker mosquitto;
    final Path dataDir;
    final Map<String, String> settings;

    private BrokerBench(Kind kind, Receiver receiver, MosquittoBroker mosquitto, Path dataDir, Map<String, String> settings) {
        this.kind = kind;
        this.receiver = receiver;
        this.mosquitto = mosquitto;
        this.dataDir = dataDir;
        this.settings = settings;
    }

    /** Starts the broker (Mosquitto) and a receiver on it; {@code extra} settings are added to the receiver's. */
    static BrokerBench start(Kind kind, Path dataDir, Clock clock, Map<String, String> extra, EvidenceListener... listeners) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put(ReceiverConfig.DATA_DIR, dataDir.toString());
        settings.put(ReceiverConfig.MQTT_CLIENT_ID, "receiver-bench");
        settings.put(ReceiverConfig.WEB_ENABLED, "false");
        MosquittoBroker mosquitto = null;
        if (kind == Kind.EMBEDDED) {
            settings.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(Ports.free()));
            settings.put(ReceiverConfig.EMBEDDED_TLS_PORT, "0");
        } else {
            mosquitto = MosquittoBroker.start(MosquittoBroker.Options.plain().withTls().withDynamicSecurity("receiver", ADMIN_PASSWORD)
                    .withConfigLine("max_packet_size 20000"));
            Path password = Files.writeString(dataDir.resolve("mqtt-password"), ADMIN_PASSWORD + "\n");
            settings.put(ReceiverConfig.BROKER_URI, mosquitto.uri());
            settings.put(ReceiverConfig.MQTT_USERNAME, "receiver");
            settings.put(ReceiverConfig.MQTT_PASSWORD_FILE, password.toString());
            settings.put(ReceiverConfig.BROKER_DEVICE_LOGINS, "mosquitto-dynamic-security");
            settings.put(ReceiverConfig.ENROLLMENT_BROKER_URI, mosquitto.tlsUri());
            settings.put(ReceiverConfig.ENROLLMENT_BROKER_CA_FILE, mosquitto.certificates().caCertificate().toString());
        }
        settings.putAll(extra);
        try {
            Receiver receiver = Receiver.start(ReceiverConfig.from(settings), clock, List.of(listeners));
            if (!receiver.awaitReady(WAIT)) {
                receiver.close();
                throw new IllegalStateException("the receiver did not subscribe" + (mosquitto == null ? "" : ":\n" + mosquitto.log()));
            }
            return new BrokerBench(kind, receiver, mosquitto, dataDir, settings);
        } catch (Exception | Error e) {
            if (mosquitto != null) {
                mosquitto.close();
            }
            throw e;
        }
    }

    /** Where devices connect: the broker's TLS listener, as enrollment tells them. */
    String deviceUri() {
        return receiver.deviceBrokerUri().orElseThrow().replace("localhost", "127.0.0.1");
    }

    /** TLS trusting exactly the CA enrollment gives devices. */
    SSLSocketFactory deviceTls() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(
                new ByteArrayInputStream(receiver.deviceBrokerCaPem().orElseThrow().getBytes(StandardCharsets.US_ASCII)))) {
            trust.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, f.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    /** Enrolls {@code deviceId}'s test key and makes its login as the admin command does; returns the password. */
    String enroll(String deviceId) {
        receiver.registry().enroll(TestKeys.device(deviceId).verificationKey());
        BrokerLogins.Issued login = receiver.brokerLogins().issue(deviceId, "test");
        receiver.brokerAccounts().loginIssued(deviceId, login.password());
        return login.password();
    }

    /** Connect options for a login (TLS trusting the device CA). */
    MqttConnectOptions login(String user, String password) throws Exception {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setAutomaticReconnect(false);
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password.toCharArray());
        }
        options.setSocketFactory(deviceTls());
        return options;
    }

    /** A device logged in as itself (client id = device id) on the devices' listener. */
    FakeDevice device(String deviceId, String password) throws Exception {
        SigningKey key = TestKeys.device(deviceId);
        return new FakeDevice(deviceUri(), deviceId, key, receiver.receiverKey(), login(deviceId, password), true);
    }

    /** A device with another login or client id than its own, or none (null user): may be refused at connect. */
    FakeDevice deviceAs(String deviceId, String clientId, String user, String password) throws MqttException, Exception {
        return new FakeDevice(deviceUri(), clientId, TestKeys.device(deviceId), receiver.receiverKey(), login(user, password), true);
    }

    /** The receiver's settings as a properties file, for admin commands run against the same data. */
    Path configFile() {
        java.util.Properties p = new java.util.Properties();
        settings.forEach(p::setProperty);
        Path file = dataDir.resolve("receiver.properties");
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }

    /** The broker's log, for messages. */
    String log() {
        return mosquitto == null ? "(embedded)" : mosquitto.log();
    }

    @Override
    public void close() {
        try {
            receiver.close();
        } finally {
            if (mosquitto != null) {
                mosquitto.close();
            }
        }
    }
}
