package org.breathgate.receiver.app.config;

import java.nio.file.Path;
import java.time.Period;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the receiver is configured with, built once at start from a properties file and command-line flags (flags win),
 * validated, then passed down; grouped by concern like the agent's configuration. The keys are listed in {@link #KEYS} and
 * documented in {@code docs/receiver.md}.
 *
 * @param dataDir     folder for the SQLite database, the receiver key, certificates and the embedded broker; default {@code data}
 * @param broker      the MQTT broker: an external one, or the embedded one's address
 * @param mqtt        how this instance logs in to the broker
 * @param database    where evidence and the care workflow are stored
 * @param receiverKey the key acks and configurations are signed with
 * @param web         the people-facing HTTPS listener (pages, API)
 * @param deviceApi   the device-facing HTTPS listener (enrollment, key rotation, deprovisioning): its own port and certificate
 * @param enrollment  what enrolling devices are told, and how long codes live
 * @param care        the care workflow (zone, retention, photo storage)
 * @param mail        alert e-mail over SMTP
 * @param delivery    alert delivery by e-mail and webhook: retries, threads, the sign-in link
 * @param health      the operator's listener: health checks and metrics (docs/operations.md, "Monitor")
 * @param ingest      what ingest bounds and checks at the door: the quarantine's caps and retention, the clock tolerance
 * @param signIn      how people sign in: identity providers, the second factor, the sign-in secret, trusted proxies
 * @param alerting    who hears of what, and when: office hours, expected tests, devices offline, consents ending
 */
public record ReceiverConfig(
        Path dataDir,
        Broker broker,
        Mqtt mqtt,
        Database database,
        ReceiverKey receiverKey,
        Web web,
        DeviceApi deviceApi,
        Enrollment enrollment,
        Care care,
        Mail mail,
        Delivery delivery,
        Health health,
        Ingest ingest,
        SignIn signIn,
        Alerting alerting) {

    public static final String CARE_OFFICE_HOURS = "care.office-hours";
    public static final String CARE_HOLIDAYS = "care.holidays";
    public static final String CARE_CLOSED_DATES = "care.closed-dates";
    public static final String CARE_EXPECTED_TEST_GRACE_MINUTES = "care.expected-test-grace-minutes";
    public static final String CARE_DEVICE_OFFLINE_HEARTBEATS = "care.device-offline-heartbeats";
    public static final String CARE_CONSENT_WARNING_DAYS = "care.consent-warning-days";

    public static final String BROKER_URI = "broker.uri";
    public static final String EMBEDDED_BIND = "broker.embedded.bind";
    public static final String EMBEDDED_PORT = "broker.embedded.port";
    public static final String EMBEDDED_TLS_ENABLED = "broker.embedded.tls.enabled";
    public static final String EMBEDDED_TLS_BIND = "broker.embedded.tls.bind";
    public static final String EMBEDDED_TLS_PORT = "broker.embedded.tls.port";
    public static final String EMBEDDED_TLS_CERT_FILE = "broker.embedded.tls.cert-file";
    public static final String EMBEDDED_TLS_KEY_FILE = "broker.embedded.tls.key-file";
    public static final String EMBEDDED_MAX_QUEUED_MESSAGES = "broker.embedded.max-queued-messages";
    public static final String BROKER_DEVICE_LOGINS = "broker.device-logins";
    public static final String DATA_DIR = "data.dir";
    public static final String JDBC_URL = "jdbc.url";
    public static final String RECEIVER_KEY_FILE = "receiver.key.file";
    public static final String RECEIVER_KEY_VERSION = "receiver.key.version";
    public static final String MQTT_CLIENT_ID = "mqtt.client-id";
    public static final String MQTT_USERNAME = "mqtt.username";
    public static final String MQTT_PASSWORD_FILE = "mqtt.password-file";
    public static final String MQTT_CA_FILE = "mqtt.ca-file";
    public static final String WEB_ENABLED = "web.enabled";
    public static final String WEB_HOST = "web.host";
    public static final String WEB_PORT = "web.port";
    public static final String WEB_PUBLIC_URL = "web.public-url";
    public static final String WEB_TLS_CERT_FILE = "web.tls.cert-file";
    public static final String WEB_TLS_KEY_FILE = "web.tls.key-file";
    public static final String WEB_SESSION_IDLE_SECONDS = "web.session-idle-seconds";
    public static final String WEB_ACCESSIBILITY_CONTACT = "web.accessibility-contact";
    public static final String DEVICE_API_ENABLED = "device-api.enabled";
    public static final String DEVICE_API_HOST = "device-api.host";
    public static final String DEVICE_API_PORT = "device-api.port";
    public static final String DEVICE_API_PUBLIC_URL = "device-api.public-url";
    public static final String DEVICE_API_TLS_CERT_FILE = "device-api.tls.cert-file";
    public static final String DEVICE_API_TLS_KEY_FILE = "device-api.tls.key-file";
    public static final String ENROLLMENT_BROKER_URI = "enrollment.broker-uri";
    public static final String ENROLLMENT_BROKER_CA_FILE = "enrollment.broker-ca-file";
    public static final String ENROLLMENT_CODE_LIFETIME_HOURS = "enrollment.code-lifetime-hours";
    public static final String ENROLLMENT_TPM_VENDOR_CA_FILES = "enrollment.tpm-vendor-ca-files";
    public static final String ENROLLMENT_TPM_VENDOR_CRL_FILES = "enrollment.tpm-vendor-crl-files";
    public static final String ENROLLMENT_REQUIRE_TPM_KEY = "enrollment.require-tpm-key";
    public static final String CARE_ZONE = "care.zone";
    public static final String RETENTION_RESULTS_AFTER_CASE_CLOSED = "retention.results-after-case-closed";
    public static final String RETENTION_PHOTOS_AFTER_TAKEN = "retention.photos-after-taken";
    public static final String PHOTOS_STORAGE = "photos.storage";
    public static final String MAIL_SMTP_HOST = "mail.smtp.host";
    public static final String MAIL_SMTP_PORT = "mail.smtp.port";
    public static final String MAIL_SMTP_SECURITY = "mail.smtp.security";
    public static final String MAIL_SMTP_USERNAME = "mail.smtp.username";
    public static final String MAIL_SMTP_PASSWORD_FILE = "mail.smtp.password-file";
    public static final String MAIL_FROM = "mail.from";
    public static final String DELIVERY_SIGN_IN_URL = "delivery.sign-in-url";
    public static final String DELIVERY_RETRY_BASE_SECONDS = "delivery.retry-base-seconds";
    public static final String DELIVERY_RETRY_CAP_SECONDS = "delivery.retry-cap-seconds";
    public static final String DELIVERY_MAX_ATTEMPTS = "delivery.max-attempts";
    public static final String DELIVERY_THREADS = "delivery.threads";
    public static final String DELIVERY_TIMEOUT_SECONDS = "delivery.timeout-seconds";
    public static final String HEALTH_HOST = "health.host";
    public static final String HEALTH_PORT = "health.port";
    public static final String QUARANTINE_MAX_ROWS_PER_DEVICE = "quarantine.max-rows-per-device";
    public static final String QUARANTINE_MAX_ROWS = "quarantine.max-rows";
    public static final String QUARANTINE_RETENTION = "quarantine.retention";
    public static final String INGEST_CLOCK_TOLERANCE = "ingest.clock-tolerance";
    public static final String WEB_TRUSTED_PROXIES = "web.trusted-proxies";
    public static final String SIGNIN_SECOND_FACTOR = "signin.second-factor";
    public static final String SIGNIN_SECRET_FILE = "signin.secret-file";
    public static final String SIGNIN_PASSWORD_HASHES_AT_ONCE = "signin.password-hashes-at-once";
    public static final String SIGNIN_SHOW_WORKER_NAMES = "signin.show-worker-names-to-parents";
    /** Keys of identity providers: {@code signin.oidc.<id>.<field>}, fields in {@link #OIDC_FIELDS}. */
    public static final String SIGNIN_OIDC_PREFIX = "signin.oidc.";
    public static final Set<String> OIDC_FIELDS = Set.of("name", "issuer", "client-id", "client-secret-file", "client-key-file", "for",
            "organisations", "match", "require-mfa", "mfa-acr", "mfa-amr", "acr-values", "scopes", "identity-code-claim",
            "clock-skew-seconds");

    /** The longest code lifetime an admin may ask for, and so the largest default: 14 days. */
    public static final int MAX_CODE_LIFETIME_HOURS = 14 * 24;

    /**
     * The MQTT broker.
     *
     * @param uri                       an external broker ({@code tcp://} or {@code ssl://}), or {@code null} to run the
     *                                  embedded broker
     * @param embeddedBind              the embedded broker's plain listener (the receiver's own connection): a loopback
     *                                  address, default {@code 127.0.0.1}; it carries logins in clear, so it never binds
     *                                  beyond loopback
     * @param embeddedPort              its port; default 1883
     * @param embeddedTls               the embedded broker's TLS listener, the one devices use
     * @param embeddedMaxQueuedMessages messages the embedded broker queues for one client at most; default 20000
     * @param deviceLogins              how the broker learns devices' logins: {@link DeviceLogins#REGISTRY} (the embedded
     *                                  broker reads them from the device registry), {@link DeviceLogins#MOSQUITTO_DYNAMIC_SECURITY}
     *                                  (the receiver drives Mosquitto's plugin) or {@link DeviceLogins#MANUAL}
     */
    public record Broker(String uri, String embeddedBind, int embeddedPort, EmbeddedTls embeddedTls, long embeddedMaxQueuedMessages,
                         DeviceLogins deviceLogins) {
        public Broker {
            Objects.requireNonNull(embeddedBind, "embeddedBind");
            Objects.requireNonNull(embeddedTls, "embeddedTls");
            Objects.requireNonNull(deviceLogins, "deviceLogins");
            if ((uri == null) != (deviceLogins == DeviceLogins.REGISTRY)) {
                throw new IllegalArgumentException("the embedded broker, and only it, reads logins from the registry");
            }
        }

        /** Whether the receiver runs its own broker. */
        public boolean embedded() {
            return uri == null;
        }
    }

    /**
     * The embedded broker's TLS listener, for devices.
     *
     * @param enabled  whether it listens; default true
     * @param bind     its address; default {@code 127.0.0.1}; {@code 0.0.0.0} to face devices directly
     * @param port     its port; default 8883; 0 for any free port (tests)
     * @param certFile PEM certificate chain (leaf first), or {@code null} for a self-signed one in the data folder
     *                 ({@code broker-tls-cert.pem})
     * @param keyFile  its PEM private key; set exactly when {@code certFile} is
     */
    public record EmbeddedTls(boolean enabled, String bind, int port, Path certFile, Path keyFile) {
        public static final int DEFAULT_PORT = 8883;

        public EmbeddedTls {
            Objects.requireNonNull(bind, "bind");
            if ((certFile == null) != (keyFile == null)) {
                throw new IllegalArgumentException("a TLS certificate file and key file go together");
            }
        }
    }

    /** How the broker learns each device's login (made at enrollment, replaced, removed at revocation). */
    public enum DeviceLogins {
        /** The embedded broker checks every connect against the device registry. */
        REGISTRY,
        /** The receiver drives Mosquitto's dynamic security plugin over {@code $CONTROL/dynamic-security/v1}. */
        MOSQUITTO_DYNAMIC_SECURITY,
        /** Somebody else keeps the broker's logins (another broker's own tooling); the receiver tells it nothing. */
        MANUAL
    }

    /**
     * How this receiver instance logs in to its broker.
     *
     * @param clientId     this instance's MQTT client id, stable across restarts and unique per instance;
     *                     default {@code breathgate-receiver-<hostname>}
     * @param username     MQTT user, or {@code null}
     * @param passwordFile file whose first line is the MQTT password (kept out of the config file), or {@code null}
     * @param caFile       PEM CA certificate(s) to trust for an {@code ssl://} broker, or {@code null} for the JVM's trust store
     */
    public record Mqtt(String clientId, String username, Path passwordFile, Path caFile) {
        public Mqtt {
            Objects.requireNonNull(clientId, "clientId");
        }

        /** The MQTT password from {@link #passwordFile()}, or {@code null}. */
        public String readPassword() {
            return passwordFile == null ? null : ReceiverConfigLoader.firstLine(MQTT_PASSWORD_FILE, passwordFile);
        }
    }

    /** @param jdbcUrl the database; default {@code jdbc:sqlite:<dataDir>/breathgate.db} */
    public record Database(String jdbcUrl) {
        public Database {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        }
    }

    /**
     * The receiver's signing key.
     *
     * @param file    the Ed25519 key (PKCS#8 PEM), made on first start; default {@code <dataDir>/receiver-key.pem}
     * @param version the key's version in its kid {@code receiver:N}; default 1
     */
    public record ReceiverKey(Path file, int version) {
        public ReceiverKey {
            Objects.requireNonNull(file, "file");
        }
    }

    /**
     * The people-facing HTTPS listener: pages and the REST API.
     *
     * @param enabled     whether to serve the pages and the API; default true
     * @param host        address to bind; default {@code 127.0.0.1}
     * @param port        TCP port, 0 for any free port (tests); default 8443
     * @param publicUrl   {@code https://host[:port]} as people reach the pages (the sign-in link of alert mail), or
     *                    {@code null} for {@code https://<host or this machine's name>:<bound port>}
     * @param tlsCertFile PEM certificate chain (leaf first), or {@code null} for a self-signed one in the data folder
     *                    ({@code tls-cert.pem})
     * @param tlsKeyFile  its PEM private key; set exactly when {@code tlsCertFile} is
     * @param sessionIdleSeconds a signed-in session unused this long ends; default 1800 (30 minutes, care.signin.SessionPolicy)
     * @param accessibilityContact where the accessibility statement tells people to send accessibility feedback (an e-mail
     *                    address, a web form's address or a phone number of the service), or {@code null}: then it says to ask
     *                    the worker or the service
     */
    public record Web(boolean enabled, String host, int port, String publicUrl, Path tlsCertFile, Path tlsKeyFile, int sessionIdleSeconds,
                      String accessibilityContact) {

        public static final int DEFAULT_PORT = 8443;
        public static final int DEFAULT_SESSION_IDLE_SECONDS = 1800;

        public Web {
            Objects.requireNonNull(host, "host");
            if ((tlsCertFile == null) != (tlsKeyFile == null)) {
                throw new IllegalArgumentException("a TLS certificate file and key file go together");
            }
            if (sessionIdleSeconds < 1) {
                throw new IllegalArgumentException("the session idle time must be positive");
            }
        }

        /** The default session idle time and no accessibility contact. */
        public Web(boolean enabled, String host, int port, String publicUrl, Path tlsCertFile, Path tlsKeyFile) {
            this(enabled, host, port, publicUrl, tlsCertFile, tlsKeyFile, DEFAULT_SESSION_IDLE_SECONDS, null);
        }

        /** No people's listener. */
        public static Web disabled() {
            return new Web(false, "127.0.0.1", DEFAULT_PORT, null, null, null);
        }
    }

    /**
     * What enrollment tells devices, and how long its codes live.
     *
     * @param deviceBrokerUri    the broker as devices reach it ({@code ssl://host:port}), or {@code null}: then
     *                           {@code broker.uri} if that is {@code ssl://}
     * @param deviceBrokerCaFile PEM CA certificate(s) of that broker, or {@code null}: then {@code mqtt.ca-file}
     * @param codeLifetimeHours  a new code's default lifetime; default 72, at most {@link #MAX_CODE_LIFETIME_HOURS}
     * @param tpmVendorCaFiles   PEM files of the TPM vendors' CA certificates (roots and the intermediates that issue EK
     *                           certificates) that device TPMs' EK certificates must chain to; empty: no TPM attestation offered
     * @param tpmVendorCrlFiles  the vendors' certificate revocation lists (DER or PEM), each signed by one of those CAs: an EK
     *                           certificate (or a CA in its chain) a list names is refused; empty: revocation is not checked
     * @param requireTpmKey      whether new enrollments must prove a key held in a TPM (and hardware-bound keys may not be
     *                           rotated to unattested ones); needs {@code tpmVendorCaFiles}
     */
    public record Enrollment(String deviceBrokerUri, Path deviceBrokerCaFile, int codeLifetimeHours, java.util.List<Path> tpmVendorCaFiles,
                             java.util.List<Path> tpmVendorCrlFiles, boolean requireTpmKey) {

        public static final int DEFAULT_CODE_LIFETIME_HOURS = 72;

        public Enrollment {
            tpmVendorCaFiles = java.util.List.copyOf(tpmVendorCaFiles);
            tpmVendorCrlFiles = java.util.List.copyOf(tpmVendorCrlFiles);
            if (requireTpmKey && tpmVendorCaFiles.isEmpty()) {
                throw new IllegalArgumentException("requiring TPM keys needs the TPM vendors' CA files to check them against");
            }
        }

        /** Without TPM attestation. */
        public Enrollment(String deviceBrokerUri, Path deviceBrokerCaFile, int codeLifetimeHours) {
            this(deviceBrokerUri, deviceBrokerCaFile, codeLifetimeHours, java.util.List.of(), java.util.List.of(), false);
        }

        /**
         * Whether enrollment can answer devices: it must tell them a broker and its CA (devices refuse an answer without
         * one). Without both the device listener serves no enrollment and the log says why.
         */
        public boolean configured() {
            return deviceBrokerUri != null && deviceBrokerCaFile != null;
        }
    }

    /**
     * The device-facing HTTPS listener: enrollment, key rotation and deprovisioning, on a port and certificate of its own, so
     * that the people-facing certificate can be renewed without touching the devices that pinned this one.
     *
     * @param enabled     whether to serve it; default: as {@code web.enabled}
     * @param host        address to bind; default {@code 127.0.0.1}
     * @param port        TCP port, 0 for any free port (tests); default 8444
     * @param publicUrl   {@code https://host[:port]} as devices reach it (goes into enrollment lines), or {@code null} for
     *                    {@code https://<host or this machine's name>:<bound port>}
     * @param tlsCertFile PEM certificate chain (leaf first) devices pin, or {@code null} for a self-signed one in the data folder
     *                    ({@code device-tls-cert.pem})
     * @param tlsKeyFile  its PEM private key; set exactly when {@code tlsCertFile} is
     */
    public record DeviceApi(boolean enabled, String host, int port, String publicUrl, Path tlsCertFile, Path tlsKeyFile) {

        public static final int DEFAULT_PORT = 8444;

        public DeviceApi {
            Objects.requireNonNull(host, "host");
            if ((tlsCertFile == null) != (tlsKeyFile == null)) {
                throw new IllegalArgumentException("a TLS certificate file and key file go together");
            }
        }

        /** No device listener. */
        public static DeviceApi disabled() {
            return new DeviceApi(false, "127.0.0.1", DEFAULT_PORT, null, null, null);
        }
    }

    /**
     * The care workflow.
     *
     * @param zone                   the zone alert texts show times in and retention counts months and days in;
     *                               default {@code Europe/Helsinki}
     * @param resultsAfterCaseClosed how long a closed case's results (evidence, alerts, excuses) are kept before the
     *                               daily retention job deletes them (ISO-8601 period, e.g. {@code P2Y}; {@code P0D}
     *                               deletes at closing), or {@code null} to keep them (no retention job runs)
     * @param photosAfterTaken       how long a reading's photo is kept after it was taken (ISO-8601 period, e.g.
     *                               {@code P90D}), open case or not; {@code null}: kept as long as the results
     * @param photosInDatabase       whether stored photos' bytes go into the database ({@code photos.storage=database})
     *                               rather than files under {@code <data-dir>/photos} ({@code file}, the default)
     */
    public record Care(ZoneId zone, Period resultsAfterCaseClosed, Period photosAfterTaken, boolean photosInDatabase) {

        /** Photos kept as long as results, in files. */
        public Care(ZoneId zone, Period resultsAfterCaseClosed) {
            this(zone, resultsAfterCaseClosed, null, false);
        }

        public static final ZoneId DEFAULT_ZONE = ZoneId.of("Europe/Helsinki");

        public Care {
            Objects.requireNonNull(zone, "zone");
            if (resultsAfterCaseClosed != null && resultsAfterCaseClosed.isNegative()) {
                throw new IllegalArgumentException("resultsAfterCaseClosed must not be negative, was " + resultsAfterCaseClosed);
            }
            if (photosAfterTaken != null && (photosAfterTaken.isNegative() || photosAfterTaken.isZero())) {
                throw new IllegalArgumentException("photosAfterTaken must be positive, was " + photosAfterTaken);
            }
        }

        /** Helsinki time, results kept. */
        public static Care defaults() {
            return new Care(DEFAULT_ZONE, null);
        }
    }

    /**
     * Alert e-mail over SMTP; see docs/care-workflow.md, "Delivery", and docs/receiver.md.
     *
     * @param smtpHost         the SMTP server, or {@code null}: no e-mail (webhooks and the in-app inbox still work)
     * @param smtpPort         its port; default by security: 587 STARTTLS, 465 TLS, 25 none
     * @param smtpSecurity     {@code starttls} (default), {@code tls} or {@code none}
     * @param smtpUsername     SMTP user, or {@code null}
     * @param smtpPasswordFile file whose first line is the SMTP password, or {@code null}; set exactly when the user is
     * @param from             the sender address; required when {@code smtpHost} is set
     */
    public record Mail(String smtpHost, int smtpPort, String smtpSecurity, String smtpUsername, Path smtpPasswordFile, String from) {

        public Mail {
            Objects.requireNonNull(smtpSecurity, "smtpSecurity");
            if (smtpHost != null && from == null) {
                throw new IllegalArgumentException("mail needs a sender address");
            }
        }

        /** Whether alert e-mail is sent. */
        public boolean enabled() {
            return smtpHost != null;
        }

        /** The SMTP password from {@link #smtpPasswordFile()}, or {@code null}. */
        public String readSmtpPassword() {
            return smtpPasswordFile == null ? null : ReceiverConfigLoader.firstLine(MAIL_SMTP_PASSWORD_FILE, smtpPasswordFile);
        }
    }

    /**
     * Alert delivery by e-mail and webhook; see docs/care-workflow.md, "Delivery".
     *
     * @param signInUrl        the link mails and webhook bodies carry; default {@code web.public-url}, else none
     * @param retryBaseSeconds first retry ceiling (default 30; doubles after each failure)
     * @param retryCapSeconds  largest retry ceiling (default 3600)
     * @param maxAttempts      attempts before a delivery goes to the dead-letter list (default 24)
     * @param threads          deliveries under way at once (default 4)
     * @param timeoutSeconds   connect and answer timeout of one SMTP or webhook attempt (default 10)
     */
    public record Delivery(String signInUrl, int retryBaseSeconds, int retryCapSeconds, int maxAttempts, int threads, int timeoutSeconds) {

        public Delivery {
            if (retryCapSeconds < retryBaseSeconds) {
                throw new IllegalArgumentException("the retry cap must not be below the retry base");
            }
        }

        /** Default retries. */
        public static Delivery defaults() {
            return new Delivery(null, 30, 3600, 24, 4, 10);
        }
    }

    /**
     * What ingest bounds and checks at the door (docs/receiver.md, "Quarantine reasons" and "Time at the door").
     *
     * @param quarantinePerDevice quarantine rows kept per device and class at most; default 500
     * @param quarantineOverall   quarantine rows kept at most; default 10000
     * @param quarantineRetention how long a quarantine row is kept; default 90 days
     * @param clockTolerance      how far a synchronised device clock may disagree with the receiver's before its evidence is
     *                            flagged, filed by receive time and alerted; default 5 minutes
     */
    public record Ingest(int quarantinePerDevice, int quarantineOverall, java.time.Duration quarantineRetention,
                         java.time.Duration clockTolerance) {
        public Ingest {
            Objects.requireNonNull(quarantineRetention, "quarantineRetention");
            Objects.requireNonNull(clockTolerance, "clockTolerance");
        }
    }

    /**
     * How people sign in; see docs/receiver.md, "Sign-in".
     *
     * @param providers          OpenID Connect identity providers ({@code signin.oidc.<id>.*}), in id order
     * @param secondFactor       {@code signin.second-factor}: {@code required} (the default: staff enter a TOTP code after their
     *                           password) or {@code off-demo-only}
     * @param secretFile         {@code signin.secret-file}: the sign-in secret (made on first start, 0600); the same file on every
     *                           instance; default {@code <dataDir>/signin-secret}
     * @param passwordHashesAtOnce {@code signin.password-hashes-at-once}: Argon2id computations at once (about 19 MiB each); default 4
     * @param trustedProxies     {@code web.trusted-proxies}: addresses and CIDR ranges of reverse proxies whose
     *                           {@code X-Forwarded-For} names the client; default none
     * @param showWorkerNames    {@code signin.show-worker-names-to-parents}: whether a parent's "who looked" names the worker
     *                           (when the account has a name); default false: role and organisation only
     */
    public record SignIn(java.util.List<org.breathgate.receiver.care.signin.oidc.OidcProvider> providers, boolean secondFactorRequired,
                         Path secretFile, int passwordHashesAtOnce, java.util.List<String> trustedProxies, boolean showWorkerNames) {
        public SignIn {
            providers = java.util.List.copyOf(providers);
            Objects.requireNonNull(secretFile, "secretFile");
            trustedProxies = java.util.List.copyOf(trustedProxies);
        }
    }

    /** Every key the configuration reads; any other key in a file is an error (a typo would otherwise be ignored). */
    /**
     * The operator's listener: {@code /health/live}, {@code /health/ready} and {@code /metrics} in plain HTTP, on a port of
     * its own (docs/operations.md, "Monitor").
     *
     * @param enabled whether to serve it: when {@code health.port} is set (the package's configuration sets 9464, the port
     *                Prometheus's registry of exporters gives Java clients); unset, no listener, so that a test's or a
     *                demo's receivers never fight over a fixed port
     * @param host    address to bind; default {@code 127.0.0.1}: open it to the load balancer's and Prometheus's network only
     * @param port    TCP port, 0 for any free port (tests)
     */
    public record Health(boolean enabled, String host, int port) {

        /** The port the package's configuration sets. */
        public static final int PACKAGED_PORT = 9464;

        public Health {
            Objects.requireNonNull(host, "host");
        }
    }

    public static final Set<String> KEYS = Set.of(BROKER_URI, EMBEDDED_BIND, EMBEDDED_PORT, EMBEDDED_TLS_ENABLED, EMBEDDED_TLS_BIND,
            EMBEDDED_TLS_PORT, EMBEDDED_TLS_CERT_FILE, EMBEDDED_TLS_KEY_FILE, EMBEDDED_MAX_QUEUED_MESSAGES, BROKER_DEVICE_LOGINS, DATA_DIR, JDBC_URL, RECEIVER_KEY_FILE,
            RECEIVER_KEY_VERSION, MQTT_CLIENT_ID, MQTT_USERNAME, MQTT_PASSWORD_FILE, MQTT_CA_FILE, WEB_ENABLED, WEB_HOST, WEB_PORT, WEB_PUBLIC_URL,
            WEB_TLS_CERT_FILE, WEB_TLS_KEY_FILE, WEB_SESSION_IDLE_SECONDS, WEB_ACCESSIBILITY_CONTACT, DEVICE_API_ENABLED, DEVICE_API_HOST, DEVICE_API_PORT, DEVICE_API_PUBLIC_URL,
            DEVICE_API_TLS_CERT_FILE, DEVICE_API_TLS_KEY_FILE, ENROLLMENT_BROKER_URI, ENROLLMENT_BROKER_CA_FILE, ENROLLMENT_CODE_LIFETIME_HOURS, ENROLLMENT_TPM_VENDOR_CA_FILES, ENROLLMENT_TPM_VENDOR_CRL_FILES, ENROLLMENT_REQUIRE_TPM_KEY, CARE_ZONE,
            RETENTION_RESULTS_AFTER_CASE_CLOSED, RETENTION_PHOTOS_AFTER_TAKEN, PHOTOS_STORAGE, MAIL_SMTP_HOST, MAIL_SMTP_PORT, MAIL_SMTP_SECURITY, MAIL_SMTP_USERNAME, MAIL_SMTP_PASSWORD_FILE,
            MAIL_FROM, DELIVERY_SIGN_IN_URL, DELIVERY_RETRY_BASE_SECONDS, DELIVERY_RETRY_CAP_SECONDS, DELIVERY_MAX_ATTEMPTS, DELIVERY_THREADS,
            DELIVERY_TIMEOUT_SECONDS, HEALTH_HOST, HEALTH_PORT, QUARANTINE_MAX_ROWS_PER_DEVICE, QUARANTINE_MAX_ROWS, QUARANTINE_RETENTION,
            INGEST_CLOCK_TOLERANCE, WEB_TRUSTED_PROXIES, SIGNIN_SECOND_FACTOR, SIGNIN_SECRET_FILE, SIGNIN_PASSWORD_HASHES_AT_ONCE,
            SIGNIN_SHOW_WORKER_NAMES, CARE_OFFICE_HOURS, CARE_HOLIDAYS, CARE_CLOSED_DATES, CARE_EXPECTED_TEST_GRACE_MINUTES,
            CARE_DEVICE_OFFLINE_HEARTBEATS, CARE_CONSENT_WARNING_DAYS);

    /**
     * Who hears of what, and when (docs/receiver.md, "Configuration reference").
     *
     * @param officeHours              the substance-abuse service's working hours, e.g. {@code MON-FRI 08:00-16:00} (in the care
     *                                 zone); outside them alerts also go to the organisation's on-call list
     * @param closedDays               the days without office hours although their weekday has them: Finland's public holidays
     *                                 ({@code care.holidays}, default {@code FI}) and {@code care.closed-dates}
     * @param expectedTestGraceMinutes minutes after a scheduled window closes before a test not received raises "expected test
     *                                 not received" (90; 0 switches the check off)
     * @param deviceOfflineHeartbeats  a device not heard from for this many heartbeat intervals is reported to the technicians
     * @param consentWarningDays       days before a consent ends that the responsible worker is told
     */
    public record Alerting(String officeHours, org.breathgate.receiver.care.routing.ClosedDays closedDays, int expectedTestGraceMinutes,
                           int deviceOfflineHeartbeats, int consentWarningDays) {

        public Alerting {
            Objects.requireNonNull(officeHours, "officeHours");
            Objects.requireNonNull(closedDays, "closedDays");
        }

        /** MON-FRI 08:00-16:00 but on Finland's public holidays, 90 minutes, 3 heartbeats, 14 days. */
        public static Alerting defaults() {
            return new Alerting("MON-FRI 08:00-16:00", org.breathgate.receiver.care.routing.ClosedDays.FINNISH, 90, 3, 14);
        }

        /** The office hours in {@code zone}, closed on the closed days: the one place they are built. */
        public org.breathgate.receiver.care.routing.OfficeHours officeHoursIn(java.time.ZoneId zone) {
            return org.breathgate.receiver.care.routing.OfficeHours.parse(officeHours, zone).closedOn(closedDays);
        }
    }


    public ReceiverConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(mqtt, "mqtt");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(receiverKey, "receiverKey");
        Objects.requireNonNull(web, "web");
        Objects.requireNonNull(deviceApi, "deviceApi");
        Objects.requireNonNull(enrollment, "enrollment");
        Objects.requireNonNull(care, "care");
        Objects.requireNonNull(mail, "mail");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(ingest, "ingest");
        Objects.requireNonNull(signIn, "signIn");
        Objects.requireNonNull(alerting, "alerting");
    }

    /** This configuration with {@code web} instead. */
    public ReceiverConfig withWeb(Web web) {
        return new ReceiverConfig(dataDir, broker, mqtt, database, receiverKey, web, deviceApi, enrollment, care, mail, delivery, health, ingest, signIn, alerting);
    }

    /** This configuration with {@code deviceApi} instead. */
    public ReceiverConfig withDeviceApi(DeviceApi deviceApi) {
        return new ReceiverConfig(dataDir, broker, mqtt, database, receiverKey, web, deviceApi, enrollment, care, mail, delivery, health, ingest, signIn, alerting);
    }

    /** All defaults: embedded broker, SQLite in {@code dataDir}. */
    public static ReceiverConfig defaults(Path dataDir) {
        return from(Map.of(DATA_DIR, dataDir.toString()));
    }

    /**
     * Reads {@code configFile} (Java properties; may be {@code null}) and applies {@code overrides}
     * (from flags) on top.
     *
     * @throws ConfigException naming the bad setting
     */
    public static ReceiverConfig load(Path configFile, Map<String, String> overrides) {
        return ReceiverConfigLoader.load(configFile, overrides);
    }

    /**
     * Builds and validates a configuration from {@code key -> value} (blank values count as unset).
     *
     * @throws ConfigException naming the bad setting
     */
    public static ReceiverConfig from(Map<String, String> values) {
        return ReceiverConfigLoader.from(values);
    }
}
