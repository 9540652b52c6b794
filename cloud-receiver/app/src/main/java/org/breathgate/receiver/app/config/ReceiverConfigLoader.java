package org.breathgate.receiver.app.config;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Period;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.breathgate.receiver.app.config.ReceiverConfig.Broker;
import org.breathgate.receiver.app.config.ReceiverConfig.Care;
import org.breathgate.receiver.app.config.ReceiverConfig.Database;
import org.breathgate.receiver.app.config.ReceiverConfig.Delivery;
import org.breathgate.receiver.app.config.ReceiverConfig.DeviceApi;
import org.breathgate.receiver.app.config.ReceiverConfig.EmbeddedTls;
import org.breathgate.receiver.app.config.ReceiverConfig.Enrollment;
import org.breathgate.receiver.app.config.ReceiverConfig.Mail;
import org.breathgate.receiver.app.config.ReceiverConfig.Mqtt;
import org.breathgate.receiver.app.config.ReceiverConfig.ReceiverKey;
import org.breathgate.receiver.app.config.ReceiverConfig.Web;

import static org.breathgate.receiver.app.config.ReceiverConfig.BROKER_URI;
import static org.breathgate.receiver.app.config.ReceiverConfig.CARE_ZONE;
import static org.breathgate.receiver.app.config.ReceiverConfig.DATA_DIR;
import static org.breathgate.receiver.app.config.ReceiverConfig.DELIVERY_MAX_ATTEMPTS;
import static org.breathgate.receiver.app.config.ReceiverConfig.DELIVERY_RETRY_BASE_SECONDS;
import static org.breathgate.receiver.app.config.ReceiverConfig.DELIVERY_RETRY_CAP_SECONDS;
import static org.breathgate.receiver.app.config.ReceiverConfig.DELIVERY_SIGN_IN_URL;
import static org.breathgate.receiver.app.config.ReceiverConfig.DELIVERY_THREADS;
import static org.breathgate.receiver.app.config.ReceiverConfig.DELIVERY_TIMEOUT_SECONDS;
import static org.breathgate.receiver.app.config.ReceiverConfig.DEVICE_API_ENABLED;
import static org.breathgate.receiver.app.config.ReceiverConfig.DEVICE_API_HOST;
import static org.breathgate.receiver.app.config.ReceiverConfig.DEVICE_API_PORT;
import static org.breathgate.receiver.app.config.ReceiverConfig.DEVICE_API_PUBLIC_URL;
import static org.breathgate.receiver.app.config.ReceiverConfig.DEVICE_API_TLS_CERT_FILE;
import static org.breathgate.receiver.app.config.ReceiverConfig.DEVICE_API_TLS_KEY_FILE;
import static org.breathgate.receiver.app.config.ReceiverConfig.EMBEDDED_BIND;
import static org.breathgate.receiver.app.config.ReceiverConfig.EMBEDDED_PORT;
import static org.breathgate.receiver.app.config.ReceiverConfig.BROKER_DEVICE_LOGINS;
import static org.breathgate.receiver.app.config.ReceiverConfig.EMBEDDED_MAX_QUEUED_MESSAGES;
import static org.breathgate.receiver.app.config.ReceiverConfig.EMBEDDED_TLS_BIND;
import static org.breathgate.receiver.app.config.ReceiverConfig.EMBEDDED_TLS_CERT_FILE;
import static org.breathgate.receiver.app.config.ReceiverConfig.EMBEDDED_TLS_ENABLED;
import static org.breathgate.receiver.app.config.ReceiverConfig.EMBEDDED_TLS_KEY_FILE;
import static org.breathgate.receiver.app.config.ReceiverConfig.EMBEDDED_TLS_PORT;
import static org.breathgate.receiver.app.config.ReceiverConfig.ENROLLMENT_BROKER_CA_FILE;
import static org.breathgate.receiver.app.config.ReceiverConfig.ENROLLMENT_BROKER_URI;
import static org.breathgate.receiver.app.config.ReceiverConfig.ENROLLMENT_CODE_LIFETIME_HOURS;
import static org.breathgate.receiver.app.config.ReceiverConfig.ENROLLMENT_REQUIRE_TPM_KEY;
import static org.breathgate.receiver.app.config.ReceiverConfig.ENROLLMENT_TPM_VENDOR_CA_FILES;
import static org.breathgate.receiver.app.config.ReceiverConfig.ENROLLMENT_TPM_VENDOR_CRL_FILES;
import static org.breathgate.receiver.app.config.ReceiverConfig.JDBC_URL;
import static org.breathgate.receiver.app.config.ReceiverConfig.KEYS;
import static org.breathgate.receiver.app.config.ReceiverConfig.MAIL_FROM;
import static org.breathgate.receiver.app.config.ReceiverConfig.MAIL_SMTP_HOST;
import static org.breathgate.receiver.app.config.ReceiverConfig.MAIL_SMTP_PASSWORD_FILE;
import static org.breathgate.receiver.app.config.ReceiverConfig.MAIL_SMTP_PORT;
import static org.breathgate.receiver.app.config.ReceiverConfig.MAIL_SMTP_SECURITY;
import static org.breathgate.receiver.app.config.ReceiverConfig.MAIL_SMTP_USERNAME;
import static org.breathgate.receiver.app.config.ReceiverConfig.MAX_CODE_LIFETIME_HOURS;
import static org.breathgate.receiver.app.config.ReceiverConfig.MQTT_CA_FILE;
import static org.breathgate.receiver.app.config.ReceiverConfig.MQTT_CLIENT_ID;
import static org.breathgate.receiver.app.config.ReceiverConfig.MQTT_PASSWORD_FILE;
import static org.breathgate.receiver.app.config.ReceiverConfig.MQTT_USERNAME;
import static org.breathgate.receiver.app.config.ReceiverConfig.PHOTOS_STORAGE;
import static org.breathgate.receiver.app.config.ReceiverConfig.RECEIVER_KEY_FILE;
import static org.breathgate.receiver.app.config.ReceiverConfig.RECEIVER_KEY_VERSION;
import static org.breathgate.receiver.app.config.ReceiverConfig.RETENTION_PHOTOS_AFTER_TAKEN;
import static org.breathgate.receiver.app.config.ReceiverConfig.RETENTION_RESULTS_AFTER_CASE_CLOSED;
import static org.breathgate.receiver.app.config.ReceiverConfig.WEB_ENABLED;
import static org.breathgate.receiver.app.config.ReceiverConfig.WEB_HOST;
import static org.breathgate.receiver.app.config.ReceiverConfig.WEB_PORT;
import static org.breathgate.receiver.app.config.ReceiverConfig.WEB_PUBLIC_URL;
import static org.breathgate.receiver.app.config.ReceiverConfig.WEB_TLS_CERT_FILE;
import static org.breathgate.receiver.app.config.ReceiverConfig.WEB_TLS_KEY_FILE;
import static org.breathgate.receiver.app.config.ReceiverConfig.WEB_SESSION_IDLE_SECONDS;
import static org.breathgate.receiver.app.config.ReceiverConfig.WEB_ACCESSIBILITY_CONTACT;

/**
 * Reads and checks the receiver's configuration keys ({@link ReceiverConfig#KEYS}) into a {@link ReceiverConfig}, naming
 * the bad setting when one is wrong (as the agent's {@code AgentConfigLoader} does for the agent).
 */
final class ReceiverConfigLoader {

    private ReceiverConfigLoader() {
    }

    /**
     * Reads {@code configFile} (Java properties; may be {@code null}) and applies {@code overrides}
     * (from flags) on top.
     *
     * @throws ConfigException naming the bad setting
     */
    static ReceiverConfig load(Path configFile, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        if (configFile != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new ConfigException("cannot read the configuration file " + configFile + ": " + e.getMessage(), e);
            }
            properties.forEach((k, v) -> values.put(k.toString().trim(), v.toString().trim()));
        }
        overrides.forEach((k, v) -> {
            if (v != null) {
                values.put(k, v);
            }
        });
        return from(values);
    }

    /**
     * Builds and validates a configuration from {@code key -> value} (blank values count as unset).
     *
     * @throws ConfigException naming the bad setting
     */
    static ReceiverConfig from(Map<String, String> values) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(KEYS);
        unknown.removeIf(ReceiverConfigLoader::isProviderKey);
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown configuration key(s) " + unknown + "; known keys are " + new TreeSet<>(KEYS)
                    + " and " + ReceiverConfig.SIGNIN_OIDC_PREFIX + "<id>." + new TreeSet<>(ReceiverConfig.OIDC_FIELDS));
        }
        Map<String, String> v = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (value != null && !value.isBlank()) {
                v.put(key, value.trim());
            }
        });

        String brokerUri = v.get(BROKER_URI);
        if (brokerUri != null) {
            checkBrokerUri(brokerUri);
        }
        String bind = v.getOrDefault(EMBEDDED_BIND, "127.0.0.1");
        int port = intValue(v, EMBEDDED_PORT, 1883, 1, 65535);
        if (brokerUri == null && !isLoopback(bind)) {
            throw new ConfigException(EMBEDDED_BIND + " must be a loopback address (127.0.0.1), was '" + bind + "': the embedded"
                    + " broker's plain listener carries logins in clear and is for the receiver itself; devices use its TLS"
                    + " listener (" + EMBEDDED_TLS_BIND + ", " + EMBEDDED_TLS_PORT + ")");
        }
        Path dataDir = Path.of(v.getOrDefault(DATA_DIR, "data"));
        String jdbcUrl = v.getOrDefault(JDBC_URL, "jdbc:sqlite:" + dataDir.resolve("breathgate.db"));
        if (!jdbcUrl.startsWith("jdbc:sqlite:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new ConfigException(JDBC_URL + " must start with jdbc:sqlite: or jdbc:postgresql:, was '" + jdbcUrl.replaceAll("(?i)password=[^&]*", "password=***") + "'");
        }
        Path keyFile = Path.of(v.getOrDefault(RECEIVER_KEY_FILE, dataDir.resolve("receiver-key.pem").toString()));
        int keyVersion = intValue(v, RECEIVER_KEY_VERSION, 1, 1, 999_999_999);
        String clientId = v.getOrDefault(MQTT_CLIENT_ID, "breathgate-receiver-" + hostname());
        if (clientId.length() > 64) {
            throw new ConfigException(MQTT_CLIENT_ID + " must be at most 64 characters, was " + clientId.length());
        }
        String username = v.get(MQTT_USERNAME);
        Path passwordFile = v.containsKey(MQTT_PASSWORD_FILE) ? Path.of(v.get(MQTT_PASSWORD_FILE)) : null;
        if (passwordFile != null && username == null) {
            throw new ConfigException(MQTT_PASSWORD_FILE + " is set but " + MQTT_USERNAME + " is not: set both or neither");
        }
        if (passwordFile != null && !Files.isReadable(passwordFile)) {
            throw new ConfigException(MQTT_PASSWORD_FILE + " " + passwordFile + " does not exist or is not readable");
        }
        Path caFile = v.containsKey(MQTT_CA_FILE) ? Path.of(v.get(MQTT_CA_FILE)) : null;
        if (caFile != null) {
            if (brokerUri == null || !brokerUri.startsWith("ssl://")) {
                throw new ConfigException(MQTT_CA_FILE + " is set but " + BROKER_URI + " is not an ssl:// URI");
            }
            if (!Files.isReadable(caFile)) {
                throw new ConfigException(MQTT_CA_FILE + " " + caFile + " does not exist or is not readable");
            }
        }
        if (brokerUri == null && (username != null)) {
            throw new ConfigException(MQTT_USERNAME + " is set but no " + BROKER_URI
                    + ": the embedded broker takes no credentials; set " + BROKER_URI + " to use an external broker");
        }
        return new ReceiverConfig(dataDir, new Broker(brokerUri, bind, port, embeddedTls(v, brokerUri),
                intValue(v, EMBEDDED_MAX_QUEUED_MESSAGES, 20_000, 100, 10_000_000), deviceLogins(v, brokerUri, username)),
                new Mqtt(clientId, username, passwordFile, caFile),
                new Database(jdbcUrl), new ReceiverKey(keyFile, keyVersion), web(v), deviceApi(v), enrollment(v, brokerUri, caFile), care(v),
                mail(v), delivery(v), health(v), ingest(v), SignInConfig.signIn(v, dataDir), alerting(v, care(v).zone()));
    }

    private static ReceiverConfig.Health health(Map<String, String> v) {
        String host = v.getOrDefault(ReceiverConfig.HEALTH_HOST, "127.0.0.1");
        if (!v.containsKey(ReceiverConfig.HEALTH_PORT)) {
            return new ReceiverConfig.Health(false, host, 0);
        }
        return new ReceiverConfig.Health(true, host, intValue(v, ReceiverConfig.HEALTH_PORT, 0, 0, 65535));
    }

    private static ReceiverConfig.Ingest ingest(Map<String, String> v) {
        int perDevice = intValue(v, ReceiverConfig.QUARANTINE_MAX_ROWS_PER_DEVICE, 500, 1, 1_000_000);
        int overall = intValue(v, ReceiverConfig.QUARANTINE_MAX_ROWS, 10_000, 1, 100_000_000);
        if (overall < perDevice) {
            throw new ConfigException(ReceiverConfig.QUARANTINE_MAX_ROWS + " (" + overall + ") must not be below "
                    + ReceiverConfig.QUARANTINE_MAX_ROWS_PER_DEVICE + " (" + perDevice + ")");
        }
        java.time.Duration retention = duration(v, ReceiverConfig.QUARANTINE_RETENTION, java.time.Duration.ofDays(90), "P90D");
        java.time.Duration tolerance = duration(v, ReceiverConfig.INGEST_CLOCK_TOLERANCE, java.time.Duration.ofMinutes(5), "PT5M");
        if (tolerance.compareTo(java.time.Duration.ofSeconds(10)) < 0) {
            throw new ConfigException(ReceiverConfig.INGEST_CLOCK_TOLERANCE + " must be at least PT10S (clocks are never exactly alike),"
                    + " was " + tolerance);
        }
        return new ReceiverConfig.Ingest(perDevice, overall, retention, tolerance);
    }

    /** An ISO-8601 duration ({@code PT5M}) or period of days ({@code P90D}), positive. */
    private static java.time.Duration duration(Map<String, String> v, String key, java.time.Duration defaultValue, String example) {
        String text = v.get(key);
        if (text == null) {
            return defaultValue;
        }
        java.time.Duration d;
        try {
            d = text.toUpperCase(Locale.ROOT).contains("T") ? java.time.Duration.parse(text)
                    : java.time.Duration.ofDays(Period.parse(text).getDays());
        } catch (DateTimeParseException e) {
            throw new ConfigException(key + " must be an ISO-8601 duration like " + example + ", was '" + text + "'", e);
        }
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(key + " must be positive, was '" + text + "'");
        }
        return d;
    }

    private static EmbeddedTls embeddedTls(Map<String, String> v, String brokerUri) {
        boolean enabled = booleanValue(v, EMBEDDED_TLS_ENABLED, true);
        String bind = v.getOrDefault(EMBEDDED_TLS_BIND, "127.0.0.1");
        int port = intValue(v, EMBEDDED_TLS_PORT, EmbeddedTls.DEFAULT_PORT, 0, 65535);
        Path cert = readableFile(v, EMBEDDED_TLS_CERT_FILE);
        Path key = readableFile(v, EMBEDDED_TLS_KEY_FILE);
        if ((cert == null) != (key == null)) {
            throw new ConfigException(EMBEDDED_TLS_CERT_FILE + " and " + EMBEDDED_TLS_KEY_FILE + " go together: set both (a"
                    + " certificate you were given) or neither (a self-signed one in the data folder)");
        }
        if (brokerUri != null && (v.containsKey(EMBEDDED_TLS_ENABLED) || v.containsKey(EMBEDDED_TLS_BIND) || v.containsKey(EMBEDDED_TLS_PORT)
                || cert != null)) {
            throw new ConfigException("broker.embedded.tls.* settings are given but " + BROKER_URI + " names an external broker:"
                    + " its TLS is the external broker's own");
        }
        return new EmbeddedTls(enabled, bind, port, cert, key);
    }

    private static ReceiverConfig.DeviceLogins deviceLogins(Map<String, String> v, String brokerUri, String username) {
        String text = v.get(BROKER_DEVICE_LOGINS);
        if (brokerUri == null) {
            if (text != null && !text.equals("registry")) {
                throw new ConfigException(BROKER_DEVICE_LOGINS + " is '" + text + "' but the broker is the embedded one, which always"
                        + " checks logins against the device registry ('registry')");
            }
            return ReceiverConfig.DeviceLogins.REGISTRY;
        }
        String mode = text == null ? "manual" : text;
        switch (mode) {
            case "mosquitto-dynamic-security":
                if (username == null) {
                    throw new ConfigException(BROKER_DEVICE_LOGINS + " = mosquitto-dynamic-security needs " + MQTT_USERNAME + " and "
                            + MQTT_PASSWORD_FILE + ": the dynamic security plugin's admin login (docs/receiver.md, \"Broker setup\")");
                }
                return ReceiverConfig.DeviceLogins.MOSQUITTO_DYNAMIC_SECURITY;
            case "manual":
                return ReceiverConfig.DeviceLogins.MANUAL;
            default:
                throw new ConfigException(BROKER_DEVICE_LOGINS + " must be mosquitto-dynamic-security or manual for an external broker,"
                        + " was '" + mode + "'");
        }
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static ReceiverConfig.Alerting alerting(Map<String, String> v, ZoneId zone) {
        ReceiverConfig.Alerting d = ReceiverConfig.Alerting.defaults();
        String hours = v.getOrDefault(ReceiverConfig.CARE_OFFICE_HOURS, d.officeHours());
        try {
            org.breathgate.receiver.care.routing.OfficeHours.parse(hours, zone);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ReceiverConfig.CARE_OFFICE_HOURS + ": " + e.getMessage(), e);
        }
        org.breathgate.receiver.care.routing.ClosedDays closed;
        try {
            closed = org.breathgate.receiver.care.routing.ClosedDays.parse(v.getOrDefault(ReceiverConfig.CARE_HOLIDAYS, "FI"),
                    v.getOrDefault(ReceiverConfig.CARE_CLOSED_DATES, ""));
        } catch (IllegalArgumentException e) {
            throw new ConfigException((e.getMessage().startsWith("holidays") ? ReceiverConfig.CARE_HOLIDAYS : ReceiverConfig.CARE_CLOSED_DATES)
                    + ": " + e.getMessage(), e);
        }
        return new ReceiverConfig.Alerting(hours, closed,
                intValue(v, ReceiverConfig.CARE_EXPECTED_TEST_GRACE_MINUTES, d.expectedTestGraceMinutes(), 0, 24 * 60),
                intValue(v, ReceiverConfig.CARE_DEVICE_OFFLINE_HEARTBEATS, d.deviceOfflineHeartbeats(), 1, 100),
                intValue(v, ReceiverConfig.CARE_CONSENT_WARNING_DAYS, d.consentWarningDays(), 1, 90));
    }

    private static boolean isProviderKey(String key) {
        if (!key.startsWith(ReceiverConfig.SIGNIN_OIDC_PREFIX)) {
            return false;
        }
        String rest = key.substring(ReceiverConfig.SIGNIN_OIDC_PREFIX.length());
        int dot = rest.indexOf('.');
        return dot > 0 && ReceiverConfig.OIDC_FIELDS.contains(rest.substring(dot + 1));
    }

    private static Mail mail(Map<String, String> v) {
        String host = v.get(MAIL_SMTP_HOST);
        String security = v.getOrDefault(MAIL_SMTP_SECURITY, "starttls").toLowerCase(Locale.ROOT);
        if (!Set.of("starttls", "tls", "none").contains(security)) {
            throw new ConfigException(MAIL_SMTP_SECURITY + " must be starttls, tls or none, was '" + security + "'");
        }
        int port = intValue(v, MAIL_SMTP_PORT, security.equals("tls") ? 465 : security.equals("starttls") ? 587 : 25, 1, 65535);
        String username = v.get(MAIL_SMTP_USERNAME);
        Path passwordFile = readableFile(v, MAIL_SMTP_PASSWORD_FILE);
        if ((username == null) != (passwordFile == null)) {
            throw new ConfigException(MAIL_SMTP_USERNAME + " and " + MAIL_SMTP_PASSWORD_FILE + " go together: set both or neither");
        }
        String from = v.get(MAIL_FROM);
        if (host == null && (username != null || from != null || v.containsKey(MAIL_SMTP_PORT) || v.containsKey(MAIL_SMTP_SECURITY))) {
            throw new ConfigException("mail.* settings are given but " + MAIL_SMTP_HOST + " is not: set it to send alert e-mail");
        }
        if (host != null && from == null) {
            throw new ConfigException(MAIL_FROM + " must be set with " + MAIL_SMTP_HOST + ", e.g. Breathgate <alerts@care.example.org>");
        }
        return new Mail(host, port, security, username, passwordFile, from);
    }

    private static Delivery delivery(Map<String, String> v) {
        String signIn = v.getOrDefault(DELIVERY_SIGN_IN_URL, v.get(WEB_PUBLIC_URL));
        if (signIn != null) {
            URI parsed = uri(DELIVERY_SIGN_IN_URL, signIn);
            String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || parsed.getHost() == null) {
                throw new ConfigException(DELIVERY_SIGN_IN_URL + " must be an https:// address where workers sign in, was '" + signIn + "'");
            }
        }
        int base = intValue(v, DELIVERY_RETRY_BASE_SECONDS, 30, 1, 86_400);
        int cap = intValue(v, DELIVERY_RETRY_CAP_SECONDS, Math.max(3600, base), 1, 7 * 86_400);
        if (cap < base) {
            throw new ConfigException(DELIVERY_RETRY_CAP_SECONDS + " (" + cap + ") must not be below " + DELIVERY_RETRY_BASE_SECONDS
                    + " (" + base + ")");
        }
        return new Delivery(signIn, base, cap,
                intValue(v, DELIVERY_MAX_ATTEMPTS, 24, 1, 1000), intValue(v, DELIVERY_THREADS, 4, 1, 64),
                intValue(v, DELIVERY_TIMEOUT_SECONDS, 10, 1, 300));
    }

    static int intSetting(Map<String, String> values, String key, int defaultValue, int min, int max) {
        return intValue(values, key, defaultValue, min, max);
    }

    static boolean booleanSetting(Map<String, String> values, String key, boolean defaultValue) {
        return booleanValue(values, key, defaultValue);
    }

    static Path readableFileSetting(Map<String, String> values, String key) {
        return readableFile(values, key);
    }

    static String firstLine(String key, Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int newline = text.indexOf('\n');
            return (newline < 0 ? text : text.substring(0, newline)).strip();
        } catch (IOException e) {
            throw new ConfigException("cannot read " + key + " " + file + ": " + e.getMessage(), e);
        }
    }

    private static Care care(Map<String, String> v) {
        ZoneId zone = Care.DEFAULT_ZONE;
        String zoneText = v.get(CARE_ZONE);
        if (zoneText != null) {
            try {
                zone = ZoneId.of(zoneText);
            } catch (DateTimeException e) {
                throw new ConfigException(CARE_ZONE + " must be a time-zone id like Europe/Helsinki, was '" + zoneText + "'", e);
            }
        }
        String keep = v.get(RETENTION_RESULTS_AFTER_CASE_CLOSED);
        Period period = null;
        if (keep != null && !keep.equalsIgnoreCase("none")) {
            try {
                period = Period.parse(keep);
            } catch (DateTimeParseException e) {
                throw new ConfigException(RETENTION_RESULTS_AFTER_CASE_CLOSED + " must be an ISO-8601 period like P2Y or P18M, or none"
                        + " (keep), was '" + keep + "'", e);
            }
            if (period.isNegative()) {
                throw new ConfigException(RETENTION_RESULTS_AFTER_CASE_CLOSED + " must not be negative, was '" + keep + "'");
            }
        }
        Period photos = null;
        String keepPhotos = v.get(RETENTION_PHOTOS_AFTER_TAKEN);
        if (keepPhotos != null && !keepPhotos.equalsIgnoreCase("none")) {
            try {
                photos = Period.parse(keepPhotos);
            } catch (DateTimeParseException e) {
                throw new ConfigException(RETENTION_PHOTOS_AFTER_TAKEN + " must be an ISO-8601 period like P90D, or none, was '"
                        + keepPhotos + "'", e);
            }
            if (photos.isNegative() || photos.isZero()) {
                throw new ConfigException(RETENTION_PHOTOS_AFTER_TAKEN + " must be positive, was '" + keepPhotos + "'");
            }
        }
        String storage = v.getOrDefault(PHOTOS_STORAGE, "file");
        if (!storage.equals("file") && !storage.equals("database")) {
            throw new ConfigException(PHOTOS_STORAGE + " must be file or database, was '" + storage + "'");
        }
        return new Care(zone, period, photos, storage.equals("database"));
    }

    private static Web web(Map<String, String> v) {
        boolean enabled = booleanValue(v, WEB_ENABLED, true);
        String host = v.getOrDefault(WEB_HOST, "127.0.0.1");
        int port = intValue(v, WEB_PORT, Web.DEFAULT_PORT, 0, 65535);
        String publicUrl = httpsOrigin(v, WEB_PUBLIC_URL, "as people reach this receiver");
        Path cert = readableFile(v, WEB_TLS_CERT_FILE);
        Path key = readableFile(v, WEB_TLS_KEY_FILE);
        if ((cert == null) != (key == null)) {
            throw new ConfigException(WEB_TLS_CERT_FILE + " and " + WEB_TLS_KEY_FILE + " go together: set both (a certificate you were"
                    + " given) or neither (a self-signed one in the data folder)");
        }
        int idle = intValue(v, WEB_SESSION_IDLE_SECONDS, Web.DEFAULT_SESSION_IDLE_SECONDS, 30, 12 * 3600);
        String contact = v.get(WEB_ACCESSIBILITY_CONTACT);
        return new Web(enabled, host, port, publicUrl, cert, key, idle, contact == null || contact.isBlank() ? null : contact.strip());
    }

    private static Enrollment enrollment(Map<String, String> v, String brokerUri, Path mqttCaFile) {
        String deviceBroker = v.get(ENROLLMENT_BROKER_URI);
        if (deviceBroker != null) {
            URI parsed = uri(ENROLLMENT_BROKER_URI, deviceBroker);
            String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("ssl") || scheme.equals("tcp")) || parsed.getHost() == null || parsed.getPort() < 1) {
                throw new ConfigException(ENROLLMENT_BROKER_URI + " must be ssl://host:port as devices reach the broker (tcp:// only in a"
                        + " lab), was '" + deviceBroker + "'");
            }
        } else if (brokerUri != null && brokerUri.startsWith("ssl://")) {
            deviceBroker = brokerUri;
        }
        Path deviceCa = readableFile(v, ENROLLMENT_BROKER_CA_FILE);
        if (deviceCa == null) {
            deviceCa = mqttCaFile;
        }
        int lifetime = intValue(v, ENROLLMENT_CODE_LIFETIME_HOURS, Enrollment.DEFAULT_CODE_LIFETIME_HOURS, 1, MAX_CODE_LIFETIME_HOURS);
        List<Path> vendorCas = files(v, ENROLLMENT_TPM_VENDOR_CA_FILES);
        List<Path> vendorCrls = files(v, ENROLLMENT_TPM_VENDOR_CRL_FILES);
        if (!vendorCrls.isEmpty() && vendorCas.isEmpty()) {
            throw new ConfigException(ENROLLMENT_TPM_VENDOR_CRL_FILES + " needs " + ENROLLMENT_TPM_VENDOR_CA_FILES
                    + ": the CA certificates that signed the revocation lists");
        }
        if (!vendorCas.isEmpty()) {
            TpmVendors.read(vendorCas, vendorCrls);
        }
        boolean require = booleanValue(v, ENROLLMENT_REQUIRE_TPM_KEY, false);
        if (require && vendorCas.isEmpty()) {
            throw new ConfigException(ENROLLMENT_REQUIRE_TPM_KEY + " = true needs " + ENROLLMENT_TPM_VENDOR_CA_FILES
                    + ": the TPM vendors' CA certificates that device TPMs' EK certificates chain to");
        }
        return new Enrollment(deviceBroker, deviceCa, lifetime, vendorCas, vendorCrls, require);
    }

    /** The readable files a comma-separated setting lists; none when it is not set. */
    private static List<Path> files(Map<String, String> v, String key) {
        List<Path> files = new ArrayList<>();
        String listed = v.get(key);
        if (listed != null) {
            for (String part : listed.split(",")) {
                if (!part.isBlank()) {
                    files.add(readableFile(Map.of(key, part.strip()), key));
                }
            }
        }
        return List.copyOf(files);
    }

    private static DeviceApi deviceApi(Map<String, String> v) {
        boolean enabled = booleanValue(v, DEVICE_API_ENABLED, booleanValue(v, WEB_ENABLED, true));
        String host = v.getOrDefault(DEVICE_API_HOST, "127.0.0.1");
        int port = intValue(v, DEVICE_API_PORT, DeviceApi.DEFAULT_PORT, 0, 65535);
        String publicUrl = httpsOrigin(v, DEVICE_API_PUBLIC_URL, "as devices reach its device listener");
        Path cert = readableFile(v, DEVICE_API_TLS_CERT_FILE);
        Path key = readableFile(v, DEVICE_API_TLS_KEY_FILE);
        if ((cert == null) != (key == null)) {
            throw new ConfigException(DEVICE_API_TLS_CERT_FILE + " and " + DEVICE_API_TLS_KEY_FILE + " go together: set both (a certificate"
                    + " you were given) or neither (a self-signed one in the data folder)");
        }
        return new DeviceApi(enabled, host, port, publicUrl, cert, key);
    }

    /** {@code https://host[:port]} without a path (a trailing slash dropped), or {@code null} when {@code key} is unset. */
    private static String httpsOrigin(Map<String, String> v, String key, String what) {
        String text = v.get(key);
        if (text == null) {
            return null;
        }
        URI parsed = uri(key, text);
        if (!"https".equalsIgnoreCase(parsed.getScheme()) || parsed.getHost() == null
                || (parsed.getPath() != null && !parsed.getPath().isEmpty() && !parsed.getPath().equals("/"))) {
            throw new ConfigException(key + " must be https://host[:port] " + what + ", was '" + text + "'");
        }
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    private static URI uri(String key, String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException(key + " is not a URI: '" + text + "'", e);
        }
    }

    private static Path readableFile(Map<String, String> values, String key) {
        String text = values.get(key);
        if (text == null) {
            return null;
        }
        Path file = Path.of(text);
        if (!Files.isReadable(file)) {
            throw new ConfigException(key + " " + file + " does not exist or is not readable");
        }
        return file;
    }

    private static boolean booleanValue(Map<String, String> values, String key, boolean defaultValue) {
        String text = values.get(key);
        if (text == null) {
            return defaultValue;
        }
        switch (text.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new ConfigException(key + " must be true or false, was '" + text + "'");
        }
    }

    private static void checkBrokerUri(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new ConfigException(BROKER_URI + " is not a URI: '" + uri + "'", e);
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
            throw new ConfigException(BROKER_URI + " must be tcp://host:port or ssl://host:port, was '" + uri + "'");
        }
        if (parsed.getHost() == null || parsed.getPort() < 1) {
            throw new ConfigException(BROKER_URI + " needs a host and a port, e.g. ssl://mqtt.example.org:8883, was '" + uri + "'");
        }
    }

    private static int intValue(Map<String, String> values, String key, int defaultValue, int min, int max) {
        String text = values.get(key);
        if (text == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a whole number, was '" + text + "'", e);
        }
        if (value < min || value > max) {
            throw new ConfigException(key + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    private static String hostname() {
        try {
            String name = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
            return name.length() > 40 ? name.substring(0, 40) : name;
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
