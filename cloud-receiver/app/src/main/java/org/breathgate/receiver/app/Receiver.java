package org.breathgate.receiver.app;

import org.breathgate.care.alert.AlertEngine;
import org.breathgate.care.webhook.RetryBackoff;
import org.breathgate.care.retention.RetentionPolicy;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.receiver.ingest.broker.EmbeddedMqttBroker;
import org.breathgate.receiver.care.CareService;
import org.breathgate.receiver.care.DownlinkPublisher;
import org.breathgate.receiver.care.alert.AlertProcessor;
import org.breathgate.receiver.care.alert.CareScheduler;
import org.breathgate.receiver.care.delivery.DeliveryWorker;
import org.breathgate.receiver.care.delivery.WebhookSender;
import org.breathgate.receiver.care.delivery.MailSettings;
import org.breathgate.receiver.care.delivery.MailSender;
import org.breathgate.receiver.care.audit.AnchorFile;
import org.breathgate.receiver.care.audit.AuditLog;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.retention.RetentionJob;
import org.breathgate.receiver.app.config.ConfigException;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.app.config.ReceiverKeys;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.ingest.deviceapi.AdminToken;
import org.breathgate.receiver.ingest.deviceapi.DeviceRequestsApi;
import org.breathgate.receiver.ingest.deviceapi.EnrollmentApi;
import org.breathgate.receiver.ingest.deviceapi.EnrollmentService;
import org.breathgate.receiver.ingest.deviceapi.EnrollmentSettings;
import org.breathgate.receiver.ingest.deviceapi.FailureLimiter;
import org.breathgate.receiver.evidence.store.EvidenceListener;
import org.breathgate.receiver.ingest.mqtt.IngestStats;
import org.breathgate.receiver.ingest.mqtt.MqttIngest;
import org.breathgate.receiver.ingest.mqtt.MqttSettings;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.evidence.store.EvidenceStore;
import org.breathgate.receiver.https.TlsIdentity;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.https.HttpsServer;
import org.breathgate.receiver.web.auth.SessionPolicy;
import org.breathgate.receiver.web.auth.WebAuth;
import org.breathgate.receiver.web.ui.UiRoutes;
import org.breathgate.receiver.web.api.ApiRoutes;
import org.breathgate.receiver.web.api.PeopleRoutes;
import org.breathgate.receiver.care.report.ReportService;
import java.time.ZoneId;
import org.breathgate.care.account.LoginThrottle;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.care.account.ThrottlePolicy;
import org.breathgate.receiver.care.people.Users;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * A running cloud receiver: database, device registry, evidence store, (embedded) broker, MQTT
 * ingest, the care workflow's persistence and scheduler, and the HTTPS server for device enrollment, wired by plain
 * constructors. The web UI (later) takes {@link #care()}, {@link #registry()} and {@link #store()} from here.
 *
 * <p>Care: every stored event goes to the {@link CareScheduler} (an {@link EvidenceListener} with its own thread) for
 * alerts; it also runs the minute's silence checks and escalations, anchors the audit log hourly in
 * {@code <data-dir>/audit-anchors.txt}, and, when {@code retention.results-after-case-closed} is set, runs retention daily.
 * Configurations {@link CareService#setSchedule} signs go out retained on the device's config topic through ingest's
 * MQTT connection.
 */
public final class Receiver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Receiver.class);

    private final EmbeddedMqttBroker broker;
    private final Database database;
    private final DeviceRegistry registry;
    private final EvidenceReader store;
    private final SigningKey receiverKey;
    private final MqttIngest ingest;
    private final String brokerUri;
    private final Listener web;
    private final Listener deviceApi;
    private final Path adminTokenFile;
    private final CareService care;
    private final CareScheduler careScheduler;
    private final DeliveryWorker delivery;

    /** A running HTTPS listener and the URL it is reached at. */
    private record Listener(HttpsServer server, URI url) {
    }

    private Receiver(EmbeddedMqttBroker broker, Database database, DeviceRegistry registry, EvidenceReader store,
                     SigningKey receiverKey, MqttIngest ingest, String brokerUri, Listener web, Listener deviceApi, Path adminTokenFile,
                     CareService care, CareScheduler careScheduler, DeliveryWorker delivery) {
        this.care = care;
        this.careScheduler = careScheduler;
        this.delivery = delivery;
        this.web = web;
        this.deviceApi = deviceApi;
        this.adminTokenFile = adminTokenFile;
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
     * @throws org.breathgate.receiver.evidence.db.StoreException if the database cannot be opened or migrated
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
            AuditLog audit = new AuditLog(database, AnchorFile.in(config.dataDir()));
            AlertEngine engine = new AlertEngine(config.care().zone());
            // Alert e-mail and webhooks: the scheduler wakes the worker as soon as alerts are stored (low latency).
            DeliveryWorker delivery = deliveryWorker(config, database, audit, clock);
            started.add(delivery);
            delivery.start();
            // Photos bound to readings (docs/identity.md): reassembled and checked on their own thread.
            org.breathgate.receiver.evidence.photo.PhotoStore photoStore = new org.breathgate.receiver.evidence.photo.PhotoStore(photoSettings(config));
            org.breathgate.receiver.ingest.photo.PhotoIngest photoIngest = new org.breathgate.receiver.ingest.photo.PhotoIngest(database, photoStore,
                    clock, List.of());
            photoIngest.start();
            started.add(photoIngest);
            CareScheduler scheduler = careScheduler(config.care(), database, audit, engine, delivery::wake, clock, photoStore);
            started.add(scheduler);
            scheduler.start();
            List<EvidenceListener> all = new ArrayList<>(listeners);
            all.add(scheduler);
            all.add(photoIngest);
            MqttIngest ingest = new MqttIngest(settings, registry, store, key, clock, all, photoIngest);
            ingest.start();
            started.add(ingest);
            CareService care = new CareService(database, audit, engine, new MessageSigner(key), downlink(ingest), clock,
                    () -> UUID.randomUUID().toString());
            org.breathgate.receiver.care.photo.PhotoService photos = new org.breathgate.receiver.care.photo.PhotoService(database, photoStore,
                    audit, engine, clock, delivery::wake);
            Listener deviceApi = null;
            Path adminTokenFile = null;
            if (!config.deviceApi().enabled()) {
                LOG.info("device HTTPS listener disabled ({}=false): devices cannot enroll, rotate keys or deprovision with this instance",
                        ReceiverConfig.DEVICE_API_ENABLED);
            } else {
                deviceApi = startDeviceApi(config, database, registry, key, clock);
                started.add(deviceApi.server());
                adminTokenFile = config.dataDir().resolve(AdminToken.FILE);
            }
            Listener web = null;
            if (!config.web().enabled()) {
                LOG.info("people's HTTPS server disabled ({}=false): no web pages and no API on this instance", ReceiverConfig.WEB_ENABLED);
            } else {
                web = startWeb(config, database, registry, new EvidenceReader(database), care, audit, clock, photos);
                started.add(web.server());
            }
            LOG.info("receiver {} started: broker {}, database {}, ack key {}", config.mqttClientId(), uri,
                    database.dialect().name().toLowerCase(java.util.Locale.ROOT), key.keyId());
            Receiver receiver = new Receiver(broker, database, registry, new EvidenceReader(database), key, ingest, uri, web, deviceApi,
                    adminTokenFile, care, scheduler, delivery);
            receiver.photos = photos;
            receiver.photoIngest = photoIngest;
            return receiver;
        } catch (MqttException e) {
            closeAll(started);
            throw new ConfigException("cannot create the MQTT client for " + config.brokerUri() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    /**
     * The worker {@code config} describes: e-mail when {@code mail.smtp.host} is set, webhooks always (they are
     * configured in the database), retries and threads from {@code delivery.*}. Not started.
     *
     * @throws ConfigException if the mail settings are unusable
     */
    static DeliveryWorker deliveryWorker(ReceiverConfig config, Database database, AuditLog audit,
                                            Clock clock) {
        ReceiverConfig.Delivery d = config.delivery();
        Duration timeout = Duration.ofSeconds(d.timeoutSeconds());
        MailSender mail = null;
        if (d.smtpHost() != null) {
            try {
                mail = new MailSender(new MailSettings(d.smtpHost(), d.smtpPort(), MailSettings.Security.parse(d.smtpSecurity()),
                        d.smtpUsername(), d.readSmtpPassword(), d.mailFrom(), timeout));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("mail settings: " + e.getMessage(), e);
            }
        }
        RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(d.retryBaseSeconds()), Duration.ofSeconds(d.retryCapSeconds()),
                d.maxAttempts());
        return new DeliveryWorker(database, audit, mail, new WebhookSender(timeout, clock),
                new DeliveryWorker.Settings(backoff, d.threads(), DeliveryWorker.DEFAULT_POLL, d.signInUrl(), config.care().zone()), clock, new java.security.SecureRandom());
    }

    /** Alerts from stored evidence and the periodic care work; retention only when a period is configured. */
    private static CareScheduler careScheduler(ReceiverConfig.Care settings, Database database, AuditLog audit, AlertEngine engine,
                                               Runnable alertsStored, Clock clock, org.breathgate.receiver.evidence.photo.PhotoStore photos) {
        AlertProcessor alerts = new AlertProcessor(database, new DeviceAssignments(database), engine, clock);
        RetentionJob retention = null;
        if (settings.resultsAfterCaseClosed() == null && settings.photosAfterTaken() == null) {
            LOG.info("{} and {} not set: closed cases' results and photos are kept", ReceiverConfig.RETENTION_RESULTS_AFTER_CASE_CLOSED,
                    ReceiverConfig.RETENTION_PHOTOS_AFTER_TAKEN);
        } else {
            // A period that is not set means "keep": a span no deployment reaches stands for it in the policy.
            RetentionPolicy policy = new RetentionPolicy(
                    settings.resultsAfterCaseClosed() == null ? KEEP : settings.resultsAfterCaseClosed(),
                    settings.photosAfterTaken() == null ? KEEP : settings.photosAfterTaken(), settings.zone());
            retention = new RetentionJob(database, policy, audit, clock, photos);
        }
        return new CareScheduler(alerts, audit, retention, clock, alertsStored);
    }

    /** Stands for "keep" in the retention policy when only one of its two periods is configured. */
    private static final Period KEEP = Period.ofYears(1000);

    private static org.breathgate.receiver.evidence.photo.PhotoSettings photoSettings(ReceiverConfig config) {
        org.breathgate.receiver.evidence.photo.PhotoSettings s = org.breathgate.receiver.evidence.photo.PhotoSettings.defaults(config.dataDir());
        return config.care().photosInDatabase() ? s.withStorage(org.breathgate.receiver.evidence.photo.PhotoSettings.Storage.DATABASE) : s;
    }

    private org.breathgate.receiver.care.photo.PhotoService photos;
    private org.breathgate.receiver.ingest.photo.PhotoIngest photoIngest;

    /** Photos for signed-in people: viewing, the review queue, reviews, reference photos (docs/identity.md). */
    public org.breathgate.receiver.care.photo.PhotoService photos() {
        return photos;
    }

    /** Photo transfers from devices (tests wait on it with {@code flush}). */
    public org.breathgate.receiver.ingest.photo.PhotoIngest photoIngest() {
        return photoIngest;
    }

    /** Signed configurations go out retained at QoS 1 on ingest's ack connection, so an offline device gets them later. */
    private static DownlinkPublisher downlink(MqttIngest ingest) {
        return (topic, payload) -> {
            try {
                ingest.publishDownlink(topic, payload, true);
            } catch (MqttException e) {
                throw new DownlinkPublisher.PublishException("the broker did not take the message for " + topic + ": "
                        + e.getMessage(), e);
            }
        };
    }

    /** File names of the device listener's self-signed identity in the data folder (the people's stays tls-cert.pem, tls-key.pem). */
    static final String DEVICE_CERT_FILE = "device-tls-cert.pem";
    static final String DEVICE_KEY_FILE = "device-tls-key.pem";

    /**
     * The device-facing listener, on its own port and certificate: enrollment (when devices can be told a broker and its CA)
     * with the admin token's code endpoint, and devices' signed requests (key rotation, deprovisioning).
     */
    private static Listener startDeviceApi(ReceiverConfig config, Database database, DeviceRegistry registry, SigningKey key, Clock clock) {
        ReceiverConfig.DeviceApi d = config.deviceApi();
        return listen("device", d.host(), d.port(), d.publicUrl(), d.tlsCertFile(), d.tlsKeyFile(), config.dataDir().resolve(DEVICE_CERT_FILE),
                config.dataDir().resolve(DEVICE_KEY_FILE), (url, identity) -> {
                    List<HttpsRoutes> routes = new ArrayList<>();
                    AdminToken token = AdminToken.loadOrCreate(config.dataDir());
                    if (config.web().enrollmentConfigured()) {
                        routes.add(enrollmentApi(config, url, database, registry, key, clock, identity, token));
                    } else {
                        LOG.warn("device enrollment NOT served: it needs the broker as devices reach it and its CA certificate;"
                                + " set {} (ssl://host:port) and {} (PEM)", ReceiverConfig.ENROLLMENT_BROKER_URI,
                                ReceiverConfig.ENROLLMENT_BROKER_CA_FILE);
                    }
                    routes.add(new DeviceRequestsApi(database, registry, clock));
                    return routes;
                });
    }

    /** The people-facing listener: sign-in, the REST API and the pages. */
    private static Listener startWeb(ReceiverConfig config, Database database, DeviceRegistry registry, EvidenceReader store,
                                     CareService care, AuditLog audit, Clock clock, org.breathgate.receiver.care.photo.PhotoService photos) {
        ReceiverConfig.Web w = config.web();
        return listen("people's", w.host(), w.port(), w.publicUrl(), w.tlsCertFile(), w.tlsKeyFile(), config.dataDir().resolve(TlsIdentity.CERT_FILE),
                config.dataDir().resolve(TlsIdentity.KEY_FILE), (url, identity) -> {
                    List<HttpsRoutes> routes = new ArrayList<>();
                    // Sign-in and sessions first: its before-handler resolves the session and refuses unsafe requests without the CSRF token.
                    Users users = new Users(database, new PasswordHasher(PasswordHasher.Cost.OWASP_MINIMUM, new SecureRandom()));
                    WebAuth auth = new WebAuth(users, audit, new LoginThrottle(ThrottlePolicy.DEFAULT, clock), SessionPolicy.DEFAULT, clock,
                            new SecureRandom());
                    routes.add(auth);
                    ZoneId zone = config.care().zone();
                    routes.add(new ApiRoutes(auth, care, database, registry, store, new ReportService(care, database, audit, zone, clock), zone,
                            clock));
                    routes.add(new PeopleRoutes(auth, users, database, audit, clock));
                    routes.add(new org.breathgate.receiver.web.api.PhotoRoutes(auth::requireApi, photos));
                    routes.add(new org.breathgate.receiver.web.ui.PhotoReviewPage(auth, photos, zone));
                    // Pages (org.breathgate.receiver.web.ui) go here, after auth.
                    routes.add(new UiRoutes(auth, care, database, registry, Duration.ofHours(w.codeLifetimeHours()), clock, zone));
                    return routes;
                });
    }

    /** What a listener serves, once its URL and certificate are known (the enrollment line names both). */
    @FunctionalInterface
    private interface RoutesFor {
        List<HttpsRoutes> routes(URI url, TlsIdentity identity);
    }

    /**
     * Starts one HTTPS listener: on {@code host:port} (0: a free port, found first, because the URL it is reached at needs
     * it), with the configured certificate or its own self-signed one in {@code defaultCert}/{@code defaultKey}.
     */
    private static Listener listen(String whose, String host, int configuredPort, String publicUrl, Path certFile, Path keyFile,
                                   Path defaultCert, Path defaultKey, RoutesFor routesFor) {
        int port = configuredPort == 0 && publicUrl == null ? freePort(host) : configuredPort;
        URI url = URI.create(publicUrl != null ? publicUrl : "https://" + urlHost(host) + ":" + port);
        List<String> names = new ArrayList<>();
        names.add(url.getHost().replace("[", "").replace("]", ""));
        if (!host.equals("0.0.0.0") && !host.equals("::")) {
            names.add(host);
        }
        TlsIdentity identity;
        try {
            identity = certFile != null ? TlsIdentity.fromPem(certFile, keyFile)
                    : TlsIdentity.loadOrCreate(defaultCert, defaultKey, names.stream().distinct().toList());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("the " + whose + " HTTPS certificate: " + e.getMessage(), e);
        }
        HttpsServer server = HttpsServer.start(new HttpsServer.Settings(host, port, HttpsServer.Settings.DEFAULT_MAX_REQUEST_BYTES), identity,
                routesFor.routes(url, identity));
        return new Listener(server, url);
    }

    private static EnrollmentApi enrollmentApi(ReceiverConfig config, URI url, Database database, DeviceRegistry registry, SigningKey key,
                                               Clock clock, TlsIdentity identity, AdminToken token) {
        ReceiverConfig.Web w = config.web();
        String brokerCa;
        try {
            brokerCa = Files.readString(w.deviceBrokerCaFile(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + ReceiverConfig.ENROLLMENT_BROKER_CA_FILE + " " + w.deviceBrokerCaFile() + ": "
                    + e.getMessage(), e);
        }
        EnrollmentSettings settings;
        try {
            settings = new EnrollmentSettings(url, URI.create(w.deviceBrokerUri()), brokerCa, List.of(key.verificationKey()),
                    Duration.ofHours(w.codeLifetimeHours()), EnrollmentSettings.MAX_EXPIRY);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("enrollment settings: " + e.getMessage(), e);
        }
        return new EnrollmentApi(new EnrollmentService(database, registry, clock, new SecureRandom()), settings, token,
                identity.fingerprint(), new FailureLimiter(10, Duration.ofMinutes(10), clock));
    }

    /** A port free right now on {@code host}: for {@code web.port = 0}, which tests use; the enrollment line needs it before start. */
    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(host, 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host, e);
        }
    }

    private static String urlHost(String bind) {
        String host = bind;
        if (bind.equals("0.0.0.0") || bind.equals("::")) {
            try {
                host = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        return host.contains(":") ? "[" + host + "]" : host;
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
    public EvidenceReader store() {
        return store;
    }

    /** What ingest did since start. */
    public IngestStats stats() {
        return ingest.stats();
    }

    /** The database this receiver uses (one pool: features share it rather than open the file again). */
    public Database database() {
        return database;
    }

    /** The people-facing HTTPS server (pages, API), if it runs: empty when {@code web.enabled=false}. */
    public Optional<HttpsServer> web() {
        return Optional.ofNullable(web).map(Listener::server);
    }

    /** The URL people reach the pages at, if the people's server runs. */
    public Optional<URI> webUrl() {
        return Optional.ofNullable(web).map(Listener::url);
    }

    /** The device-facing HTTPS listener (enrollment, key rotation, deprovisioning), if it runs: empty when {@code device-api.enabled=false}. */
    public Optional<HttpsServer> deviceApi() {
        return Optional.ofNullable(deviceApi).map(Listener::server);
    }

    /** The URL devices are given in enrollment lines, if the device listener runs. */
    public Optional<URI> deviceApiUrl() {
        return Optional.ofNullable(deviceApi).map(Listener::url);
    }

    /** The file holding the admin API token ({@code <data-dir>/admin-token}) of the device listener's code endpoint, if it runs. */
    public Optional<Path> adminTokenFile() {
        return Optional.ofNullable(adminTokenFile);
    }

    /** The care workflow's operations for signed-in people (the web UI's facade). */
    public CareService care() {
        return care;
    }

    /** Alert delivery by e-mail and webhook (its outbox is in the database). */
    public DeliveryWorker delivery() {
        return delivery;
    }

    /**
     * Waits until the care scheduler has done the alert work for everything ingest handed it so far
     * (tests; ingest itself never waits for alerts).
     */
    public void awaitCareIdle(Duration timeout) throws InterruptedException, java.util.concurrent.TimeoutException {
        careScheduler.flush(timeout);
    }

    /** The broker the receiver uses (the embedded one's URI when embedded). */
    public String brokerUri() {
        return brokerUri;
    }

    /** The public key devices verify acks with. */
    public VerificationKey receiverKey() {
        return receiverKey.verificationKey();
    }

    /**
     * Stops the two HTTPS listeners, then ingest (finishing the current batch), then the care scheduler (finishing the alert
     * work queued), then the embedded broker, then the database.
     */
    @Override
    public void close() {
        if (web != null) {
            web.server().close();
        }
        if (deviceApi != null) {
            deviceApi.server().close();
        }
        ingest.close();
        if (photoIngest != null) {
            photoIngest.close();
        }
        careScheduler.close();
        delivery.close();
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
