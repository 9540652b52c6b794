package org.breathgate.agent.enroll;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.protocol.DeviceRequests;
import org.breathgate.protocol.SigningKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;

/**
 * A device that the broker refuses asks the receiver for a new broker login, signed with its own key
 * ({@code docs/protocol.md}, "A new broker login"), and keeps its password in {@link #RENEWED_FILE} in the data folder,
 * which the agent reads in preference to {@code mqtt.password.file} (the configuration folder is not the service's to
 * write). This is how a device enrolled before broker logins existed, or whose login the broker lost (a broker moved to
 * Mosquitto's dynamic security, a failed update), gets one without anybody editing a file, and how a key rotation cuts
 * off a copied SD card's old password.
 */
public final class BrokerLoginRenewal {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerLoginRenewal.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String TYP = "breathgate-broker-login";
    /** The renewed password's file in the data folder (0600, owned like the device key). */
    public static final String RENEWED_FILE = "mqtt-password.renewed";

    private final AgentConfig.Enrollment receiver;
    private final String deviceId;
    private final SigningKey key;
    private final Path passwordFile;
    private final java.util.function.Supplier<java.time.Instant> wall;
    private final Duration timeout;
    private final Path ownerLike;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param receiver     the receiver's device listener and its pinned certificate
     * @param key          the device's current key (signs the request)
     * @param passwordFile where the renewed MQTT password goes ({@code <data-dir>/}{@value #RENEWED_FILE}); written atomically,
     *                     0600, owned like the device key
     * @param wall         the device's wall clock, for the request's {@code iat}
     * @param ownerLike    the device key's file: the password file gets its owner (the service's user), or null to keep
     *                     whoever runs this
     */
    public BrokerLoginRenewal(AgentConfig.Enrollment receiver, String deviceId, SigningKey key, Path passwordFile,
                              java.util.function.Supplier<java.time.Instant> wall,
                              Duration timeout, Path ownerLike) {
        this.ownerLike = ownerLike;
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.key = Objects.requireNonNull(key, "key");
        this.passwordFile = Objects.requireNonNull(passwordFile, "passwordFile");
        this.wall = Objects.requireNonNull(wall, "wall");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Asks for a new login and writes its password; the next connect uses it.
     *
     * @throws EnrollmentException if the receiver refused or could not be reached (the old password file is unchanged)
     * @throws IOException         if the password file cannot be written
     */
    public ReceiverClient.BrokerLogin renew() throws EnrollmentException, IOException {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("type", "broker_login");
        payload.put("device_id", deviceId);
        payload.put("iat", wall.get().getEpochSecond());
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        payload.put("nonce", Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
        String jws = DeviceRequests.sign(key, TYP, payload.toString().getBytes(StandardCharsets.UTF_8));
        ReceiverClient.BrokerLogin login = new ReceiverClient(receiver.receiverUrl(), receiver.tlsFingerprint().map(PinnedTls::of), timeout)
                .brokerLogin(deviceId, jws);
        writePassword(passwordFile, login.password(), key.keyId().toString());
        LOG.info("Got a new broker login from {} (user {}); its password is in {}", receiver.receiverUrl(), login.username(), passwordFile);
        return login;
    }

    /** Writes {@code password} as {@code file}'s one line, atomically, mode 0600, owned like the file beside it that holds the key. */
    private void writePassword(Path file, String password, String why) throws IOException {
        try (StagedFiles staged = new StagedFiles()) {
            StagedFiles.Owner owner = ownerLike == null || !Files.exists(ownerLike) ? StagedFiles.Owner.unchanged()
                    : new StagedFiles.Owner(java.util.Optional.of(Files.getOwner(ownerLike)), java.util.Optional.empty());
            staged.stage(file, (password + "\n").getBytes(StandardCharsets.UTF_8), "rw-------", owner, true);
            staged.commit();
        } catch (IOException e) {
            throw new IOException("cannot keep the new broker login (asked with " + why + ") in " + file + ": " + e.getMessage(), e);
        }
    }
}
