package org.breathgate.receiver.app;

import org.breathgate.care.account.PasswordHasher;
import org.breathgate.care.alert.AlertEngine;
import org.breathgate.care.retention.RetentionPolicy;
import org.breathgate.care.webhook.RetryBackoff;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.receiver.app.config.ConfigException;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.app.config.ReceiverKeys;
import org.breathgate.receiver.app.config.SignInSecretFile;
import org.breathgate.receiver.app.ops.HealthServer;
import org.breathgate.receiver.app.ops.Readiness;
import org.breathgate.receiver.app.ops.ReceiverMetrics;
import org.breathgate.receiver.care.Care;
import org.breathgate.receiver.care.alert.AlertProcessor;
import org.breathgate.receiver.care.alert.OpenAlerts;
import org.breathgate.receiver.care.delivery.DeliveryBacklog;
import org.breathgate.receiver.care.delivery.DeviceOfflineNotices;
import org.breathgate.receiver.care.routing.AlertRouting;
import org.breathgate.receiver.care.delivery.DeliveryWorker;
import org.breathgate.receiver.care.delivery.MailSender;
import org.breathgate.receiver.care.delivery.MailSettings;
import org.breathgate.receiver.care.delivery.WebhookSender;
import org.breathgate.receiver.care.gate.AnchorFile;
import org.breathgate.receiver.care.gate.AuditLog;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.care.photo.PhotoService;
import org.breathgate.receiver.care.retention.RetentionJob;
import org.breathgate.receiver.care.schedule.DownlinkPublisher;
import org.breathgate.receiver.care.scheduler.CareScheduler;
import org.breathgate.receiver.care.signin.ProviderSignIn;
import org.breathgate.receiver.care.signin.SessionPolicy;
import org.breathgate.receiver.care.signin.SignInSettings;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.JobLeases;
import org.breathgate.receiver.evidence.device.DeviceActivity;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.photo.PhotoSettings;
import org.breathgate.receiver.evidence.photo.PhotoStore;
import org.breathgate.receiver.evidence.store.EvidenceListener;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.evidence.store.EvidenceStore;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.https.HttpsServer;
import org.breathgate.receiver.https.TlsIdentity;
import org.breathgate.receiver.evidence.device.BrokerLogins;
import org.breathgate.receiver.ingest.broker.BrokerAccounts;
import org.breathgate.receiver.ingest.broker.EmbeddedMqttBroker;
import org.breathgate.receiver.ingest.deviceapi.AdminToken;
import org.breathgate.receiver.ingest.deviceapi.DeviceRequestsApi;
import org.breathgate.receiver.ingest.deviceapi.DeviceAttestation;
import org.breathgate.receiver.ingest.deviceapi.EnrollmentApi;
import org.breathgate.receiver.ingest.deviceapi.EnrollmentService;
import org.breathgate.receiver.ingest.deviceapi.EnrollmentSettings;
import org.breathgate.receiver.ingest.deviceapi.FailureLimiter;
import org.breathgate.receiver.ingest.mqtt.IngestStats;
import org.breathgate.receiver.ingest.mqtt.MqttIngest;
import org.breathgate.receiver.ingest.mqtt.MqttSettings;
import org.breathgate.receiver.ingest.mqtt.RetiredDownlinks;
import org.breathgate.receiver.ingest.photo.PhotoIngest;
import org.breathgate.receiver.web.api.ApiRoutes;
import org.breathgate.receiver.web.api.PeopleRoutes;
import org.breathgate.receiver.web.api.PhotoRoutes;
import org.breathgate.receiver.web.auth.TrustedProxies;
import org.breathgate.receiver.web.auth.WebAuth;
import org.breathgate.receiver.web.ui.AccessibilityPage;
import org.breathgate.receiver.web.ui.PhotoReviewPage;
import org.breathgate.receiver.web.ui.SignInPages;
import org.breathgate.receiver.web.ui.UiRoutes;
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
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * A running cloud receiver, its rooms wired by plain constructors in this one place: the database and evidence (evidence),
 * the broker, MQTT ingest, photo assembly and the device-facing HTTPS listener (ingest), the care workflow with its one gate,
 * its scheduler and alert delivery (care), and the people-facing HTTPS listener (web).
 *
 * <p>Ingest and care never see each other; the ports between them are wired here: every stored event goes to the
 * {@link CareScheduler} (an {@link EvidenceListener} with its own thread) for alerts, and the configurations care signs go
 * out retained on the device's config topic through ingest's MQTT connection (a {@link DownlinkPublisher}). The scheduler
 * also runs the minute's silence checks and escalations, anchors the audit log hourly in
 * {@code <data-dir>/audit-anchors.txt}, and, when a retention period is configured, runs retention daily.
 */
public final class Receiver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Receiver.class);

    /** File names of the device listener's self-signed identity in the data folder (the people's stays tls-cert.pem, tls-key.pem). */
    static final String DEVICE_CERT_FILE = "device-tls-cert.pem";
    static final String DEVICE_KEY_FILE = "device-tls-key.pem";
    /** File names of the embedded broker's self-signed TLS identity in the data folder (devices are given the certificate). */
    static final String BROKER_CERT_FILE = "broker-tls-cert.pem";
    static final String BROKER_KEY_FILE = "broker-tls-key.pem";

    /** Stands for "keep" in the retention policy when only one of its two periods is configured. */
    private static final Period KEEP = Period.ofYears(1000);

    private final ReceiverConfig config;
    private final Clock clock;
    private final List<AutoCloseable> started = new ArrayList<>();
    /** The background set-up of an external broker's accounts (retried until the broker answers), stopped first by close(). */
    private final List<AutoCloseable> brokerSetup = new ArrayList<>();
    private EmbeddedMqttBroker broker;
    private RetiredDownlinks retiredDownlinks;
    private TlsIdentity brokerTls;
    private BrokerAccounts brokerAccounts;
    private Database database;
    private DeviceRegistry registry;
    private BrokerLogins brokerLogins;
    private SigningKey receiverKey;
    private MqttIngest ingest;
    private String brokerUri;
    private CareGate gate;
    private Care care;
    private CareScheduler careScheduler;
    private AlertProcessor alertProcessor;
    private DeliveryWorker delivery;
    private PhotoIngest photoIngest;
    private Listener web;
    private Listener deviceApi;
    private AdminToken adminToken;
    private Users users;
    private ReceiverMetrics metrics;
    private HealthServer health;

    /** A running HTTPS listener and the URL it is reached at. */
    private record Listener(HttpsServer server, URI url) {
    }

    private Receiver(ReceiverConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /**
     * Starts everything {@code config} asks for. Connecting to an external broker goes on in the background until it
     * answers; see {@link #awaitReady(Duration)}.
     *
     * @param listeners told of stored evidence beside the receiver's own care scheduler and photo assembly
     * @throws ConfigException if the key file or CA file is unusable
     * @throws org.breathgate.receiver.evidence.db.StoreException if the database cannot be opened or migrated
     */
    public static Receiver start(ReceiverConfig config, Clock clock, List<EvidenceListener> listeners) {
        Receiver receiver = new Receiver(config, clock);
        try {
            receiver.startRooms(listeners);
            return receiver;
        } catch (MqttException e) {
            closeAll(receiver.started);
            throw new ConfigException("cannot create the MQTT client for " + config.broker().uri() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(receiver.started);
            throw e;
        }
    }

    private void startRooms(List<EvidenceListener> listeners) throws MqttException {
        // The data folder and everything in it: the receiver's own, 0700 and 0600, whatever the umask.
        DataFolder.secure(config.dataDir());
        // Evidence: the database, the registry, stored photos.
        receiverKey = ReceiverKeys.loadOrCreate(config.receiverKey().file(), config.receiverKey().version(), new SecureRandom());
        database = started(Database.open(config.database().jdbcUrl()));
        registry = new DeviceRegistry(database, clock);
        brokerLogins = new BrokerLogins(database, clock, new SecureRandom());
        PhotoStore photoStore = new PhotoStore(photoSettings(config));

        // Care: the gate, alert delivery (woken as soon as alerts are stored: low latency), the scheduler.
        AlertEngine engine = new AlertEngine(config.care().zone());
        gate = new CareGate(database, new AuditLog(database, AnchorFile.in(config.dataDir())), clock);
        delivery = started(deliveryWorker(config, database, gate, clock));
        delivery.start();
        ReceiverConfig.Alerting alerting = config.alerting();
        alertProcessor = new AlertProcessor(database, new DeviceAssignments(database), engine, clock,
                Duration.ofMinutes(alerting.expectedTestGraceMinutes()), Duration.ofDays(alerting.consentWarningDays()));
        careScheduler = started(careScheduler(config, alertProcessor, database, gate, delivery::wake, clock, photoStore, registry,
                new JobLeases(database, config.mqtt().clientId(), clock)));
        careScheduler.start();

        // Ingest: the broker, photos bound to readings (reassembled and checked on their own thread), MQTT.
        brokerUri = config.broker().uri();
        String mqttUser = config.mqtt().username();
        String mqttPassword = config.mqtt().readPassword();
        if (config.broker().embedded()) {
            broker = started(startEmbeddedBroker());
            brokerUri = broker.uri();
            DataFolder.secure(config.dataDir().resolve("broker"));
            mqttUser = EmbeddedMqttBroker.RECEIVER_USERNAME;
            mqttPassword = broker.receiverPassword();
            brokerAccounts = BrokerAccounts.embedded(broker);
        } else {
            List<AutoCloseable> setUp = new ArrayList<>();
            brokerAccounts = BrokerSetup.accounts(config, brokerLogins, setUp);
            setUp.forEach(this::started);
            brokerSetup.addAll(setUp); // stopped by close(): its retries must not outlive the receiver
        }
        photoIngest = started(new PhotoIngest(database, photoStore, clock, List.of(careScheduler))); // a photo hash mismatch alerts
        photoIngest.start();
        List<EvidenceListener> all = new ArrayList<>(listeners);
        all.add(careScheduler);
        all.add(photoIngest);
        MqttSettings settings = new MqttSettings(brokerUri, config.mqtt().clientId(), mqttUser, mqttPassword,
                config.mqtt().caFile() == null ? null : trusting(config));
        ReceiverConfig.Ingest limits = config.ingest();
        EvidenceStore evidenceStore = new EvidenceStore(database, new EvidenceStore.QuarantineLimits(limits.quarantinePerDevice(),
                limits.quarantineOverall(), limits.quarantineRetention()));
        ingest = started(new MqttIngest(settings, registry, evidenceStore, receiverKey, clock, all, photoIngest, limits.clockTolerance()));
        ingest.start();
        // A retired device's retained downlink messages (config, support_reply, test_request) are cleared on the broker.
        retiredDownlinks = started(new RetiredDownlinks(database, (topic, payload) -> ingest.publishDownlink(topic, payload, true), clock));
        retiredDownlinks.start(RetiredDownlinks.EVERY);

        // Care for people, with the downlink port wired to ingest's connection.
        users = new Users(database, new PasswordHasher(PasswordHasher.Cost.OWASP_MINIMUM, new SecureRandom()),
                config.signIn().passwordHashesAtOnce(), Users.DEFAULT_HASH_WAIT);
        care = Care.of(new Care.Needs(gate, database, registry, photoStore, engine, new MessageSigner(receiverKey), downlink(ingest), users,
                signInSettings(config), () -> UUID.randomUUID().toString(), delivery::wake, config.care().zone(), clock,
                config.alerting().officeHoursIn(config.care().zone())));

        // The two HTTPS listeners: devices' and people's, each with its own certificate.
        if (!config.deviceApi().enabled()) {
            LOG.info("device HTTPS listener disabled ({}=false): devices cannot enroll, rotate keys or deprovision with this instance",
                    ReceiverConfig.DEVICE_API_ENABLED);
        } else {
            // The admin token, kept as its hash in the database and retired once an administrator exists; a plaintext token
            // file of an earlier version becomes its hash.
            adminToken = AdminToken.in(database, users::administratorExists);
            if (adminToken.importLegacyFile(config.dataDir(), clock.instant())) {
                LOG.info("the admin token file of an earlier version is now kept as its hash in the database; the file is deleted");
            }
            deviceApi = startDeviceApi();
        }
        if (!config.web().enabled()) {
            LOG.info("people's HTTPS server disabled ({}=false): no web pages and no API on this instance", ReceiverConfig.WEB_ENABLED);
        } else {
            web = startWeb();
        }
        // The operator's listener: health checks and metrics (docs/operations.md, "Monitor").
        metrics = new ReceiverMetrics(ingest.stats(), new DeliveryBacklog(database), new OpenAlerts(database), new DeviceActivity(database), clock);
        if (config.health().enabled()) {
            health = started(HealthServer.start(config.health().host(), config.health().port(), new Readiness(database, ingest::isConnected), metrics));
        }
        LOG.info("receiver {} started: broker {}, database {}, ack key {}", config.mqtt().clientId(), brokerUri,
                database.dialect().name().toLowerCase(Locale.ROOT), receiverKey.keyId());
    }

    /**
     * The embedded broker: the plain loopback listener for this receiver, the TLS listener for devices (a configured
     * certificate, or a self-signed one made on first start in the data folder), logins checked against the registry.
     */
    private EmbeddedMqttBroker startEmbeddedBroker() {
        ReceiverConfig.Broker b = config.broker();
        ReceiverConfig.EmbeddedTls t = b.embeddedTls();
        int tlsPort = 0;
        if (t.enabled()) {
            List<String> names = new ArrayList<>();
            if (!t.bind().equals("0.0.0.0") && !t.bind().equals("::")) {
                names.add(t.bind());
            }
            names.add(urlHost(t.bind()).replace("[", "").replace("]", ""));
            try {
                brokerTls = t.certFile() != null ? TlsIdentity.fromPem(t.certFile(), t.keyFile())
                        : TlsIdentity.loadOrCreate(config.dataDir().resolve(BROKER_CERT_FILE), config.dataDir().resolve(BROKER_KEY_FILE),
                        names.stream().distinct().toList());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("the embedded broker's TLS certificate: " + e.getMessage(), e);
            }
            tlsPort = t.port() == 0 ? freePort(t.bind()) : t.port();
        }
        return EmbeddedMqttBroker.start(new EmbeddedMqttBroker.Settings(config.dataDir().resolve("broker"), b.embeddedBind(),
                b.embeddedPort(), t.bind(), tlsPort, brokerTls, EmbeddedMqttBroker.Settings.DEFAULT_MAX_PACKET_BYTES,
                b.embeddedMaxQueuedMessages()), BrokerSetup.registryLogins(brokerLogins));
    }

    /** How people sign in; a loud warning when the demo-only setting turned the second factor off. */
    private static SignInSettings signInSettings(ReceiverConfig config) {
        SignInSettings.SecondFactor factor = SignInSettings.SecondFactor.REQUIRED_FOR_STAFF;
        if (!config.signIn().secondFactorRequired()) {
            factor = SignInSettings.SecondFactor.OFF_DEMO_ONLY;
            LOG.warn("*** {} = off-demo-only: workers, technicians and administrators sign in WITHOUT a second factor."
                    + " This is for the demo only; never run a real service like this. ***", ReceiverConfig.SIGNIN_SECOND_FACTOR);
        }
        SessionPolicy sessions = new SessionPolicy(Duration.ofSeconds(config.web().sessionIdleSeconds()),
                SessionPolicy.DEFAULT.absoluteTimeout(), SessionPolicy.DEFAULT.maxSessions());
        return new SignInSettings(sessions, factor, SignInSecretFile.loadOrCreate(config.signIn().secretFile(), new SecureRandom()),
                config.signIn().showWorkerNames());
    }

    private <T extends AutoCloseable> T started(T part) {
        started.add(part);
        return part;
    }

    /**
     * The worker {@code config} describes: e-mail when {@code mail.smtp.host} is set, webhooks always (they are
     * configured in the database), retries and threads from {@code delivery.*}. Not started.
     *
     * @throws ConfigException if the mail settings are unusable
     */
    private static DeliveryWorker deliveryWorker(ReceiverConfig config, Database database, CareGate gate, Clock clock) {
        ReceiverConfig.Delivery d = config.delivery();
        Duration timeout = Duration.ofSeconds(d.timeoutSeconds());
        MailSender mail = mailSender(config);
        RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(d.retryBaseSeconds()), Duration.ofSeconds(d.retryCapSeconds()),
                d.maxAttempts());
        // Several receivers on one database: a row is this instance's while it sends (twice the send timeout, and some), and
        // another instance takes over the rows of one that died mid-send once that has passed.
        Duration claimLease = timeout.multipliedBy(2).plusSeconds(30);
        return new DeliveryWorker(database, gate, mail, new WebhookSender(timeout, clock),
                new DeliveryWorker.Settings(backoff, d.threads(), DeliveryWorker.DEFAULT_POLL, d.signInUrl(), config.care().zone(),
                        new AlertRouting(config.alerting().officeHoursIn(config.care().zone()))), clock,
                new java.security.SecureRandom(), config.mqtt().clientId(), claimLease);
    }

    /** The mail sender {@code mail.*} describe, or {@code null} when no SMTP host is set. */
    private static MailSender mailSender(ReceiverConfig config) {
        ReceiverConfig.Mail m = config.mail();
        if (!m.enabled()) {
            return null;
        }
        try {
            return new MailSender(new MailSettings(m.smtpHost(), m.smtpPort(), MailSettings.Security.parse(m.smtpSecurity()),
                    m.smtpUsername(), m.readSmtpPassword(), m.from(), Duration.ofSeconds(config.delivery().timeoutSeconds())));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("mail settings: " + e.getMessage(), e);
        }
    }

    /** Alerts from stored evidence and the periodic care work; retention only when a period is configured. */
    private static CareScheduler careScheduler(ReceiverConfig config, AlertProcessor alerts, Database database, CareGate gate,
                                               Runnable alertsStored, Clock clock, PhotoStore photos, DeviceRegistry registry,
                                               JobLeases leases) {
        ReceiverConfig.Care settings = config.care();
        ReceiverConfig.Alerting alerting = config.alerting();
        DeviceOfflineNotices offline = new DeviceOfflineNotices(database, gate, registry, mailSender(config),
                alerting.deviceOfflineHeartbeats(), config.delivery().signInUrl(), settings.zone(), clock);
        RetentionJob retention = null;
        if (settings.resultsAfterCaseClosed() == null && settings.photosAfterTaken() == null) {
            LOG.info("{} and {} not set: closed cases' results and photos are kept", ReceiverConfig.RETENTION_RESULTS_AFTER_CASE_CLOSED,
                    ReceiverConfig.RETENTION_PHOTOS_AFTER_TAKEN);
        } else {
            // A period that is not set means "keep": a span no deployment reaches stands for it in the policy.
            RetentionPolicy policy = new RetentionPolicy(
                    settings.resultsAfterCaseClosed() == null ? KEEP : settings.resultsAfterCaseClosed(),
                    settings.photosAfterTaken() == null ? KEEP : settings.photosAfterTaken(), settings.zone());
            retention = new RetentionJob(gate, policy, photos);
        }
        // The periodic jobs run once across every receiver on the database: under a lease each (docs/operations.md, "Scale out").
        return new CareScheduler(alerts, gate.log(), retention, clock, alertsStored, leases, offline::check);
    }

    private static PhotoSettings photoSettings(ReceiverConfig config) {
        PhotoSettings s = PhotoSettings.defaults(config.dataDir());
        return config.care().photosInDatabase() ? s.withStorage(PhotoSettings.Storage.DATABASE) : s;
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

    /**
     * The device-facing listener, on its own port and certificate: enrollment (when devices can be told a broker and its CA)
     * with the admin token's code endpoint, and devices' signed requests (key rotation, deprovisioning).
     */
    private Listener startDeviceApi() {
        ReceiverConfig.DeviceApi d = config.deviceApi();
        return listen("device", d.host(), d.port(), d.publicUrl(), d.tlsCertFile(), d.tlsKeyFile(), config.dataDir().resolve(DEVICE_CERT_FILE),
                config.dataDir().resolve(DEVICE_KEY_FILE), (url, identity) -> {
                    List<HttpsRoutes> routes = new ArrayList<>();
                    AdminToken token = adminToken;
                    DeviceAttestation attestation = TpmAttestationSetup.attestation(config.enrollment(), registry, clock);
                    if (deviceBrokerUri().isPresent() && deviceBrokerCaPem().isPresent()) {
                        routes.add(enrollmentApi(url, identity, token, attestation));
                    } else {
                        LOG.warn("device enrollment NOT served: it needs the broker as devices reach it and its CA certificate;"
                                + " set {} (ssl://host:port) and {} (PEM)", ReceiverConfig.ENROLLMENT_BROKER_URI,
                                ReceiverConfig.ENROLLMENT_BROKER_CA_FILE);
                    }
                    routes.add(new DeviceRequestsApi(database, registry, clock, brokerAccounts, attestation));
                    return routes;
                });
    }

    private EnrollmentApi enrollmentApi(URI url, TlsIdentity identity, AdminToken token, DeviceAttestation attestation) {
        ReceiverConfig.Enrollment w = config.enrollment();
        EnrollmentSettings settings;
        try {
            settings = new EnrollmentSettings(url, URI.create(deviceBrokerUri().orElseThrow()), deviceBrokerCaPem().orElseThrow(),
                    List.of(receiverKey.verificationKey()), Duration.ofHours(w.codeLifetimeHours()), EnrollmentSettings.MAX_EXPIRY);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("enrollment settings: " + e.getMessage(), e);
        }
        return new EnrollmentApi(new EnrollmentService(database, registry, clock, new SecureRandom(), brokerAccounts), settings, token,
                identity.fingerprint(), new FailureLimiter(10, Duration.ofMinutes(10), clock), attestation);
    }

    /**
     * The broker as devices reach it, told at enrollment: {@code enrollment.broker-uri}, else the external broker's
     * {@code ssl://} URI, else the embedded broker's TLS listener ({@code ssl://<its address or this machine's name>:<port>}).
     */
    public Optional<String> deviceBrokerUri() {
        if (config.enrollment().deviceBrokerUri() != null) {
            return Optional.of(config.enrollment().deviceBrokerUri());
        }
        if (broker != null && broker.tlsPort() > 0) {
            return Optional.of("ssl://" + urlHost(config.broker().embeddedTls().bind()) + ":" + broker.tlsPort());
        }
        return Optional.empty();
    }

    /**
     * The PEM certificate(s) devices check that broker with: {@code enrollment.broker-ca-file}, else {@code mqtt.ca-file},
     * else the embedded broker's TLS certificate (self-signed, or the configured chain).
     */
    public Optional<String> deviceBrokerCaPem() {
        Path file = config.enrollment().deviceBrokerCaFile();
        if (file != null) {
            try {
                return Optional.of(Files.readString(file, StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new ConfigException("cannot read " + ReceiverConfig.ENROLLMENT_BROKER_CA_FILE + " " + file + ": " + e.getMessage(), e);
            }
        }
        return brokerTls == null ? Optional.empty() : Optional.of(brokerTls.certificatePem());
    }

    /** Devices' broker logins (the registry's): tests and admin commands. */
    public BrokerLogins brokerLogins() {
        return brokerLogins;
    }

    /** What this receiver tells its broker when a device's login changes. */
    public BrokerAccounts brokerAccounts() {
        return brokerAccounts;
    }

    /** The people-facing listener: sign-in first, then the REST API and the pages, all asking the care room. */
    private Listener startWeb() {
        ReceiverConfig.Web w = config.web();
        return listen("people's", w.host(), w.port(), w.publicUrl(), w.tlsCertFile(), w.tlsKeyFile(), config.dataDir().resolve(TlsIdentity.CERT_FILE),
                config.dataDir().resolve(TlsIdentity.KEY_FILE), (url, identity) -> {
                    ZoneId zone = config.care().zone();
                    // Sign-in and sessions first: its before-handler resolves the session and refuses unsafe requests without the CSRF token.
                    ProviderSignIn providers = new ProviderSignIn(care.signIn(), config.signIn().providers(),
                            URI.create(url + SignInPages.CALLBACK_PATH), URI.create(url + SignInPages.AFTER_LOGOUT_PATH), new SecureRandom(), clock);
                    for (var p : providers.providers()) {
                        LOG.info("sign-in through {} ({}, for {}): register the redirect URI {} and the post-logout URI {} there", p.id(),
                                p.issuer(), p.audience().name().toLowerCase(Locale.ROOT), providers.redirectUri(), url + SignInPages.AFTER_LOGOUT_PATH);
                    }
                    WebAuth auth = new WebAuth(care.signIn(), clock, TrustedProxies.of(config.signIn().trustedProxies()), providers::logoutAt);
                    return List.of(auth,
                            new SignInPages(auth, providers, zone),
                            new org.breathgate.receiver.web.ui.AccountPages(auth, care, zone),
                            new org.breathgate.receiver.web.ui.AuditPage(auth, care, zone),
                            new ApiRoutes(auth, care, zone, clock),
                            new PeopleRoutes(auth, care, clock),
                            new PhotoRoutes(auth::requireApi, care.photos()),
                            new org.breathgate.receiver.web.api.WordRoutes(auth::requireApi, care.word()),
                            new PhotoReviewPage(auth, care.photos(), zone),
                            new org.breathgate.receiver.web.ui.SupportPages(auth, care.support(), zone),
                            new org.breathgate.receiver.web.ui.DeviceKeyPages(auth, care.bundles()),
                            new UiRoutes(auth, care, Duration.ofHours(config.enrollment().codeLifetimeHours()), clock, zone),
                            new AccessibilityPage(auth, zone, w.accessibilityContact()));
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

    /** Whether both of ingest's broker connections (messages and acks) are up. */
    public boolean brokerConnected() {
        return ingest.isConnected();
    }

    /** The enrolled devices: enroll, revoke, look up. */
    public DeviceRegistry registry() {
        return registry;
    }

    /** Stored evidence, status and quarantine: queries. */
    public EvidenceReader store() {
        return new EvidenceReader(database);
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

    /**
     * The admin token of the device listener's code endpoint, if that listener runs: {@link AdminToken#issue} makes one (shown
     * once by whoever asked), until an administrator account exists.
     */
    public Optional<AdminToken> adminToken() {
        return Optional.ofNullable(adminToken);
    }

    /** The operator's listener (health checks, metrics), if {@code health.port} is set. */
    public Optional<HealthServer> health() {
        return Optional.ofNullable(health);
    }

    /** The receiver's Prometheus metrics (served at {@code /metrics} on the operator's listener). */
    public ReceiverMetrics metrics() {
        return metrics;
    }

    /** The care room's operations for signed-in people (what the web asks). */
    public Care care() {
        return care;
    }

    /** The care room's one gate: the audit log is read and verified through it, and the admin commands record through it. */
    public CareGate gate() {
        return gate;
    }

    /** Photos for signed-in people: viewing, the review queue, reviews, reference photos (docs/identity.md). */
    public PhotoService photos() {
        return care.photos();
    }

    /** Photo transfers from devices (tests wait on it with {@code flush}). */
    public PhotoIngest photoIngest() {
        return photoIngest;
    }

    /** Alert delivery by e-mail and webhook (its outbox is in the database). */
    public DeliveryWorker delivery() {
        return delivery;
    }

    /**
     * Waits until the care scheduler has done the alert work for everything ingest handed it so far
     * (tests; ingest itself never waits for alerts).
     */
    public void awaitCareIdle(Duration timeout) throws InterruptedException, TimeoutException {
        careScheduler.flush(timeout);
    }

    /** Stored events since start that belonged to no client's period (each logged, the nearest client's service alerted). */
    public long unassignedEvidence() {
        return alertProcessor.unassigned();
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
     * Stops the two HTTPS listeners, then ingest (finishing the current batch), then photo assembly, the care scheduler
     * (finishing the alert work queued) and delivery, then the embedded broker, then the database.
     */
    @Override
    public void close() {
        if (health != null) {
            health.close();
        }
        closeAll(brokerSetup);
        if (web != null) {
            web.server().close();
        }
        if (deviceApi != null) {
            deviceApi.server().close();
        }
        retiredDownlinks.close();
        ingest.close();
        photoIngest.close();
        careScheduler.close();
        delivery.close();
        if (broker != null) {
            broker.close();
        }
        database.close();
        try {
            DataFolder.secure(config.dataDir());
        } catch (RuntimeException e) {
            LOG.warn("{}", e.getMessage());
        }
        LOG.info("receiver stopped: {}", ingest.stats());
    }

    static SSLSocketFactory trusting(ReceiverConfig config) {
        try (InputStream in = Files.newInputStream(config.mqtt().caFile())) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new ConfigException(ReceiverConfig.MQTT_CA_FILE + " " + config.mqtt().caFile() + " holds no certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("cannot read " + ReceiverConfig.MQTT_CA_FILE + " " + config.mqtt().caFile()
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
