package org.breathgate.agent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.breathgate.agent.schedule.ScheduleRules;
import org.breathgate.hardware.BreathalyserConfig;
import org.breathgate.hardware.GpioInterlockConfig;
import org.breathgate.hardware.PanelConfig;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.DeviceIds;

/**
 * The agent's whole configuration, built once at start-up by {@link AgentConfigLoader} from
 * {@code /etc/breathgate/agent.properties} and command-line flags, then passed down. Every key is
 * described in {@code docs/agent.md}.
 *
 * @param deviceId        this device's id, as enrolled with the receiver
 * @param keyFile         the device key's file (mode 0600): an Ed25519 private key (PKCS#8 PEM) when {@code keyStore} is
 *                        {@code FILE}; for {@code TPM}, the record of a P-256 key held in the TPM (where it is, its
 *                        public half), written by setup
 * @param keyStore        where the device key lives ({@code key.store}): {@code file} by default, for Pis without a TPM;
 *                        {@code tpm} for a key made inside a TPM 2.0 that can never be copied (docs/hardware.md)
 * @param keyVersion      the version of that key, as in its kid {@code <device>:<version>}
 * @param receiverKeys    the receiver's public keys by version, to verify acks and configuration
 * @param dataDir         where the outbox lives ({@code /var/lib/breathgate})
 * @param outboxBudgetBytes the outbox's disk budget; 64 MiB by default, about 100 000 signed readings of 650 bytes, months
 *                        offline. Nothing is dropped past it: at 80 % the device warns
 * @param mqtt            broker connection and publishing settings
 * @param sensor          breathalyser settings
 * @param rules           the local schedule, used until the receiver sends one (config version 0)
 * @param threshold       at or above this a reading is a positive and asks for a retest; 100 µg/L (0.10 mg/L,
 *                        ≈ 0.23 ‰) by default: the receiver's default alert threshold for a client, so a device and
 *                        the receiver agree from the first minute (the receiver sends the client's own threshold when
 *                        the device is lent); above the noise of fuel-cell sensors, below any level that affects care
 * @param language        prompt language: fi, sv or en
 * @param voice           whether to speak prompts (when espeak-ng is installed)
 * @param statusInterval  between status heartbeats; 60 minutes by default, which keeps a device's whole traffic,
 *                        TCP/IP headers and four reconnects a day included, a fifth under 2 MB a month on a metered
 *                        mobile link (docs/benchmarks.md, "Data use"; at 30 minutes heartbeats alone took most of
 *                        the budget and left no margin). The receiver's pushed interval replaces it
 * @param tickInterval    how often the schedule looks at the clock; 1 s
 * @param clockJumpTolerance wall and monotonic time may drift apart this much between ticks before it
 *                        counts as a clock jump; 10 s
 * @param breathalyser    which driver talks to the breathalyser ({@code sensor.driver}), fully configured
 * @param panel           GPIO buttons, light and buzzer, when {@code panel=gpio}; empty means the
 *                        breathalyser's own buttons and a panel that only logs
 * @param enrollment      where this device enrolled (for key rotation and deprovisioning), when it did
 *                        through {@code breathgate-agent setup}
 * @param statusFile      a small JSON file the running agent rewrites so {@code breathgate-agent status}
 *                        can read connection and sensor state without stopping it;
 *                        {@code <data.dir>/status.json} by default
 * @param photo           the camera ({@code camera*} keys) and the photos' disk budget; no camera by default
 * @param keyStore        see above
 * @param parent          what is said aloud, recordings and sound card, button timing, the Pi's own LED
 *                        ({@code speak.*}, {@code audio.*}, {@code buttons.*}, {@code help.*}, {@code light.*} keys)
 */
public record AgentConfig(
        String deviceId,
        Path keyFile,
        int keyVersion,
        Map<Integer, Path> receiverKeys,
        Path dataDir,
        long outboxBudgetBytes,
        Mqtt mqtt,
        Sensor sensor,
        ScheduleRules rules,
        BreathAlcohol threshold,
        String language,
        boolean voice,
        Duration statusInterval,
        Duration tickInterval,
        Duration clockJumpTolerance,
        BreathalyserConfig breathalyser,
        Optional<PanelConfig> panel,
        Optional<Enrollment> enrollment,
        Path statusFile,
        org.breathgate.agent.photo.PhotoSettings photo,
        KeyStore keyStore,
        org.breathgate.agent.prompt.ParentSettings parent) {

    /**
     * 100 µg/L: the receiver's default alert threshold for a client ({@code Client.DEFAULT_THRESHOLD} in care-rules), so a
     * device that has not yet had its client's configuration asks for a retest at the level the receiver alerts at.
     */
    public static final BreathAlcohol DEFAULT_THRESHOLD = new BreathAlcohol(100);


    /** Where the device key lives ({@code key.store}). */
    public enum KeyStore {
        /** A PKCS#8 Ed25519 key in {@code key.file}: works on every Pi; anyone who can read the SD card can copy it. */
        FILE,
        /** A P-256 key made inside the TPM 2.0 module, which never leaves it; signs ES256. */
        TPM
    }

    /** A configuration with the default {@link org.breathgate.agent.prompt.ParentSettings}. */
    public AgentConfig(String deviceId, Path keyFile, int keyVersion, Map<Integer, Path> receiverKeys, Path dataDir,
                       long outboxBudgetBytes, Mqtt mqtt, Sensor sensor, ScheduleRules rules, BreathAlcohol threshold,
                       String language, boolean voice, Duration statusInterval, Duration tickInterval,
                       Duration clockJumpTolerance, BreathalyserConfig breathalyser, Optional<PanelConfig> panel,
                       Optional<Enrollment> enrollment, Path statusFile, org.breathgate.agent.photo.PhotoSettings photo,
                       KeyStore keyStore) {
        this(deviceId, keyFile, keyVersion, receiverKeys, dataDir, outboxBudgetBytes, mqtt, sensor, rules, threshold, language,
                voice, statusInterval, tickInterval, clockJumpTolerance, breathalyser, panel, enrollment, statusFile, photo, keyStore,
                org.breathgate.agent.prompt.ParentSettings.defaults(dataDir));
    }

    /** A configuration with a file key. */
    public AgentConfig(String deviceId, Path keyFile, int keyVersion, Map<Integer, Path> receiverKeys, Path dataDir,
                       long outboxBudgetBytes, Mqtt mqtt, Sensor sensor, ScheduleRules rules, BreathAlcohol threshold,
                       String language, boolean voice, Duration statusInterval, Duration tickInterval,
                       Duration clockJumpTolerance, BreathalyserConfig breathalyser, Optional<PanelConfig> panel,
                       Optional<Enrollment> enrollment, Path statusFile, org.breathgate.agent.photo.PhotoSettings photo) {
        this(deviceId, keyFile, keyVersion, receiverKeys, dataDir, outboxBudgetBytes, mqtt, sensor, rules, threshold, language,
                voice, statusInterval, tickInterval, clockJumpTolerance, breathalyser, panel, enrollment, statusFile, photo, KeyStore.FILE);
    }

    /** A configuration without a camera. */
    public AgentConfig(String deviceId, Path keyFile, int keyVersion, Map<Integer, Path> receiverKeys, Path dataDir,
                       long outboxBudgetBytes, Mqtt mqtt, Sensor sensor, ScheduleRules rules, BreathAlcohol threshold,
                       String language, boolean voice, Duration statusInterval, Duration tickInterval,
                       Duration clockJumpTolerance, BreathalyserConfig breathalyser, Optional<PanelConfig> panel,
                       Optional<Enrollment> enrollment, Path statusFile) {
        this(deviceId, keyFile, keyVersion, receiverKeys, dataDir, outboxBudgetBytes, mqtt, sensor, rules, threshold, language,
                voice, statusInterval, tickInterval, clockJumpTolerance, breathalyser, panel, enrollment, statusFile,
                org.breathgate.agent.photo.PhotoSettings.disabled());
    }

    public AgentConfig {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(photo, "photo");
        Objects.requireNonNull(breathalyser, "breathalyser");
        Objects.requireNonNull(panel, "panel");
        Objects.requireNonNull(enrollment, "enrollment");
        Objects.requireNonNull(statusFile, "statusFile");
        DeviceIds.check(deviceId);
        Objects.requireNonNull(keyFile, "keyFile");
        receiverKeys = Map.copyOf(receiverKeys);
        if (receiverKeys.isEmpty()) {
            throw new IllegalArgumentException("at least one receiver key is needed to verify acks");
        }
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(mqtt, "mqtt");
        Objects.requireNonNull(sensor, "sensor");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(threshold, "threshold");
        if (!ConfigUpdate.LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("language must be fi, sv or en");
        }
        Objects.requireNonNull(statusInterval, "statusInterval");
        Objects.requireNonNull(tickInterval, "tickInterval");
        Objects.requireNonNull(clockJumpTolerance, "clockJumpTolerance");
        if (outboxBudgetBytes < 1) {
            throw new IllegalArgumentException("outboxBudgetBytes must be positive");
        }
    }

    /** Whether anything needs a Pi4J context (GPIO panel or GPIO interlock). */
    public boolean usesGpio() {
        return panel.isPresent() || breathalyser instanceof GpioInterlockConfig;
    }

    /**
     * Where and how this device enrolled.
     *
     * @param receiverUrl  the receiver's HTTPS base URL, e.g. {@code https://receiver.example.fi:8443}
     * @param tlsFingerprint {@code sha256:<hex>} of the receiver's TLS certificate pinned at enrollment;
     *                     empty when the receiver's certificate chains to a public CA
     */
    public record Enrollment(URI receiverUrl, Optional<String> tlsFingerprint) {
        public Enrollment {
            Objects.requireNonNull(receiverUrl, "receiverUrl");
            Objects.requireNonNull(tlsFingerprint, "tlsFingerprint");
        }
    }

    /** The outbox's SQLite file in {@link #dataDir()}. */
    public Path outboxFile() {
        return dataDir.resolve("outbox.db");
    }

    /**
     * How the agent reaches the broker.
     *
     * @param brokerUri     {@code ssl://host:8883} in production; {@code tcp://} only for tests and labs
     * @param clientId      MQTT client id; the device id by default, so the broker's ACL can match it
     * @param caFile        PEM CA certificate(s) to trust for the broker, or empty for the JVM's defaults
     * @param clientKeystore PKCS#12 file with the device's TLS client certificate and key, when the
     *                      broker wants mutual TLS
     * @param clientKeystorePassword its password (may be empty)
     * @param username      MQTT user name, if the broker wants one
     * @param passwordFile  file holding the MQTT password, if the broker wants one
     * @param maxInflight   events published but not yet acked by the receiver, at most; 128 by
     *                      default (about 80 KB of readings): a drain is bound by the round trip to
     *                      the receiver, and 128 per round trip empties 10 000 buffered readings in
     *                      seconds. Paho's own window is set above it, so Paho never refuses a publish
     * @param ackTimeout    an event without a receiver ack for this long is sent again; 30 s
     * @param backoffInitial first reconnect delay; 1 s
     * @param backoffMax    longest reconnect delay; 5 minutes, so a thousand devices coming back
     *                      after an outage spread over minutes rather than arrive at once
     * @param keepAlive     MQTT keep-alive; 90 minutes, longer than the 60-minute heartbeat, so that on a working
     *                      link the heartbeat's publish and PUBACK keep the connection busy and Paho never needs a
     *                      PINGREQ (at the former 60 s, pings alone were about 2 MB a month of TLS payload, the whole
     *                      budget, before TCP/IP headers). A link that dies
     *                      silently is noticed when the next publish goes unanswered (TCP gives up on it within
     *                      about 15 minutes), not by pings

     * @param connectTimeout how long one connection attempt may take; 20 s, for slow mobile links
     */
    public record Mqtt(URI brokerUri, String clientId, Optional<Path> caFile, Optional<Path> clientKeystore,
                       String clientKeystorePassword, Optional<String> username, Optional<Path> passwordFile,
                       int maxInflight, Duration ackTimeout, Duration backoffInitial, Duration backoffMax,
                       Duration keepAlive, Duration connectTimeout) {
        public Mqtt {
            Objects.requireNonNull(brokerUri, "brokerUri");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(caFile, "caFile");
            Objects.requireNonNull(clientKeystore, "clientKeystore");
            Objects.requireNonNull(clientKeystorePassword, "clientKeystorePassword");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(passwordFile, "passwordFile");
            if (maxInflight < 1 || maxInflight > 1000) {
                throw new IllegalArgumentException("maxInflight must be 1-1000");
            }
            Objects.requireNonNull(ackTimeout, "ackTimeout");
            Objects.requireNonNull(backoffInitial, "backoffInitial");
            Objects.requireNonNull(backoffMax, "backoffMax");
            Objects.requireNonNull(keepAlive, "keepAlive");
            Objects.requireNonNull(connectTimeout, "connectTimeout");
        }

        /** Whether the connection uses TLS. */
        public boolean tls() {
            return brokerUri.getScheme().equals("ssl");
        }
    }

    /**
     * The breathalyser.
     *
     * @param port            serial device (a {@code /dev/serial/by-id/...} name survives re-plugging)
     * @param baudRate        its speed; 9600
     * @param warmUpTimeout   how long to wait for a cold sensor; 5 minutes, since warm-up takes minutes
     *                        in a cold room
     * @param testTimeout     the longest one blow attempt may take; 60 s
     * @param implausibleAbove results above this many µg/L are not believed (≈ 9 ‰ at 4000): recorded
     *                        as an invalid sample with a tamper event, never as a value
     */
    public record Sensor(String port, int baudRate, Duration warmUpTimeout, Duration testTimeout, int implausibleAbove) {
        public Sensor {
            Objects.requireNonNull(port, "port");
            Objects.requireNonNull(warmUpTimeout, "warmUpTimeout");
            Objects.requireNonNull(testTimeout, "testTimeout");
        }
    }
}
