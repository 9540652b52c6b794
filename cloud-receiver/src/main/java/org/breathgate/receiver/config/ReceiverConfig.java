package org.breathgate.receiver.config;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the receiver is configured with, built once at start from a properties file and
 * command-line flags (flags win), validated, then passed down. The keys are listed in
 * {@link #KEYS} and documented in {@code docs/receiver.md}.
 *
 * @param brokerUri          external MQTT broker ({@code tcp://} or {@code ssl://}), or {@code null} to run the embedded broker
 * @param embeddedBind       address the embedded broker listens on; default {@code 127.0.0.1}, because it has no ACL
 * @param embeddedPort       port of the embedded broker; default 1883
 * @param dataDir            folder for the SQLite database, the receiver key and the embedded broker; default {@code data}
 * @param jdbcUrl            the database; default {@code jdbc:sqlite:<dataDir>/breathgate.db}
 * @param receiverKeyFile    the receiver's Ed25519 signing key (PKCS#8 PEM), made on first start; default {@code <dataDir>/receiver-key.pem}
 * @param receiverKeyVersion the key's version in its kid {@code receiver:N}; default 1
 * @param mqttClientId       this instance's MQTT client id, stable across restarts and unique per instance;
 *                           default {@code breathgate-receiver-<hostname>}
 * @param mqttUsername       MQTT user, or {@code null}
 * @param mqttPasswordFile   file whose first line is the MQTT password (kept out of the config file), or {@code null}
 * @param mqttCaFile         PEM CA certificate(s) to trust for an {@code ssl://} broker, or {@code null} for the JVM's trust store
 */
public record ReceiverConfig(
        String brokerUri,
        String embeddedBind,
        int embeddedPort,
        Path dataDir,
        String jdbcUrl,
        Path receiverKeyFile,
        int receiverKeyVersion,
        String mqttClientId,
        String mqttUsername,
        Path mqttPasswordFile,
        Path mqttCaFile) {

    public static final String BROKER_URI = "broker.uri";
    public static final String EMBEDDED_BIND = "broker.embedded.bind";
    public static final String EMBEDDED_PORT = "broker.embedded.port";
    public static final String DATA_DIR = "data.dir";
    public static final String JDBC_URL = "jdbc.url";
    public static final String RECEIVER_KEY_FILE = "receiver.key.file";
    public static final String RECEIVER_KEY_VERSION = "receiver.key.version";
    public static final String MQTT_CLIENT_ID = "mqtt.client-id";
    public static final String MQTT_USERNAME = "mqtt.username";
    public static final String MQTT_PASSWORD_FILE = "mqtt.password-file";
    public static final String MQTT_CA_FILE = "mqtt.ca-file";

    /** Every key the configuration reads; any other key in a file is an error (a typo would otherwise be ignored). */
    public static final Set<String> KEYS = Set.of(BROKER_URI, EMBEDDED_BIND, EMBEDDED_PORT, DATA_DIR, JDBC_URL, RECEIVER_KEY_FILE,
            RECEIVER_KEY_VERSION, MQTT_CLIENT_ID, MQTT_USERNAME, MQTT_PASSWORD_FILE, MQTT_CA_FILE);

    public ReceiverConfig {
        Objects.requireNonNull(embeddedBind, "embeddedBind");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(receiverKeyFile, "receiverKeyFile");
        Objects.requireNonNull(mqttClientId, "mqttClientId");
    }

    /** Whether the receiver runs its own broker. */
    public boolean embeddedBroker() {
        return brokerUri == null;
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
    public static ReceiverConfig from(Map<String, String> values) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown configuration key(s) " + unknown + "; known keys are " + new TreeSet<>(KEYS));
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
        return new ReceiverConfig(brokerUri, bind, port, dataDir, jdbcUrl, keyFile, keyVersion, clientId, username, passwordFile, caFile);
    }

    /** The MQTT password from {@link #mqttPasswordFile()}, or {@code null}. */
    public String readMqttPassword() {
        if (mqttPasswordFile == null) {
            return null;
        }
        try {
            String text = Files.readString(mqttPasswordFile, StandardCharsets.UTF_8);
            int newline = text.indexOf('\n');
            return (newline < 0 ? text : text.substring(0, newline)).strip();
        } catch (IOException e) {
            throw new ConfigException("cannot read " + MQTT_PASSWORD_FILE + " " + mqttPasswordFile + ": " + e.getMessage(), e);
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
