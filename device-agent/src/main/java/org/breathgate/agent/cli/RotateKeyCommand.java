package org.breathgate.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.enroll.BrokerLoginRenewal;
import org.breathgate.agent.enroll.EnrollmentException;
import org.breathgate.agent.enroll.PinnedTls;
import org.breathgate.agent.enroll.ReceiverClient;
import org.breathgate.agent.enroll.RequestSigner;
import org.breathgate.agent.enroll.StagedFiles;
import org.breathgate.agent.evidence.DeviceKeyFile;
import org.breathgate.agent.evidence.KeyFileException;
import org.breathgate.agent.tpm.Tpm2Tools;
import org.breathgate.agent.tpm.TpmAttestor;
import org.breathgate.agent.tpm.TpmException;
import org.breathgate.agent.tpm.TpmKey;
import org.breathgate.attestation.AttestationJson;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.VerificationKey;
import java.util.Optional;
import org.breathgate.protocol.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code rotate-key}: a new device key, announced to the receiver in a request signed by the
 * current key. The new key waits in a pending file until the receiver confirms it, so an answer lost
 * on the way can be retried with the same key; only then are the key file and {@code key.version}
 * replaced, and the agent restarted.
 */
@Command(name = "rotate-key", mixinStandardHelpOptions = true,
        description = {"Replace the device key. The receiver learns the new key from a request signed by the old one.",
            "Readings already signed with the old key stay valid."})
final class RotateKeyCommand implements Callable<Integer> {

    static final String TYP = "breathgate-key-rotation";
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    AgentCli parent;

    @Mixin
    DevicePaths paths;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "20", description = "Network timeout (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
        Terminal t = parent.terminal();
        AgentConfig c = paths.load();
        AgentConfig.Enrollment e = c.enrollment().orElseThrow(() -> new CliException(Exit.REFUSED,
                "this device was not enrolled with 'setup' (no receiver.url in " + paths.configFile() + "); rotate its key on the receiver"));
        KeyId old = new KeyId(c.deviceId(), c.keyVersion());
        KeyId next = new KeyId(c.deviceId(), c.keyVersion() + 1);
        RequestSigner signer;
        try {
            signer = RequestSigner.load(c.keyFile(), old);
        } catch (KeyFileException ex) {
            throw new CliException(Exit.KEY, ex.getMessage(), ex);
        }
        Path pending = c.keyFile().resolveSibling(c.keyFile().getFileName() + ".pending");
        boolean tpm = DeviceKeyFile.holdsTpmKey(c.keyFile());
        Optional<TpmKey> oldTpmKey = Optional.empty();
        Optional<TpmKey> freshTpmKey = Optional.empty();
        VerificationKey fresh;
        byte[] freshFile;
        try {
            if (Files.exists(pending)) {
                fresh = DeviceKeyFile.load(pending, next).verificationKey();
                freshFile = Files.readAllBytes(pending);
                if (tpm) {
                    freshTpmKey = Optional.of(TpmKey.read(pending, next));
                }
                t.say("Retrying with the new key made by an earlier attempt (" + pending + ").");
            } else if (tpm) {
                oldTpmKey = Optional.of(TpmKey.read(c.keyFile(), old));
                try (Tpm2Tools tools = new Tpm2Tools(oldTpmKey.get().tcti())) {
                    freshTpmKey = Optional.of(TpmKey.create(tools, next, new SecureRandom()));
                }
                fresh = freshTpmKey.get().publicKey();
                freshFile = freshTpmKey.get().toFileText().getBytes(StandardCharsets.US_ASCII);
                t.say("New key made inside the TPM at " + String.format("0x%08x", freshTpmKey.get().handle()) + ".");
                stagePending(pending, freshFile);
            } else {
                SigningKey generated = SigningKey.generate(next, new SecureRandom());
                fresh = generated.verificationKey();
                freshFile = generated.toPem().getBytes(StandardCharsets.US_ASCII);
                stagePending(pending, freshFile);
            }
            if (tpm && oldTpmKey.isEmpty()) {
                oldTpmKey = Optional.of(TpmKey.read(c.keyFile(), old));
            }
        } catch (TpmException ex) {
            throw new CliException(Exit.KEY, "cannot make the new key in the TPM: " + ex.getMessage() + ". The device keeps its key " + old + ".", ex);
        } catch (KeyFileException | IOException | IllegalArgumentException ex) {
            throw new CliException(Exit.IO, "cannot keep the new key in " + pending + ": " + ex.getMessage(), ex);
        }
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        ObjectNode payload = JSON.createObjectNode();
        payload.put("type", "key_rotation");
        payload.put("device_id", c.deviceId());
        payload.set("new_key", readTree(fresh.toJwk()));
        payload.put("iat", Clock.systemUTC().instant().getEpochSecond());
        payload.put("nonce", Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
        if (freshTpmKey.isPresent()) {
            attest(t, freshTpmKey.get(), nonce, payload);
        }
        t.say("Announcing key " + next + " to " + e.receiverUrl() + " (signed with " + old + ") ...");
        String request;
        try {
            request = signer.sign(TYP, payload);
        } catch (org.breathgate.protocol.SigningKey.SigningFailedException ex) {
            destroyPendingTpmKey(pending, next); // nothing was sent: the receiver never heard of the new key
            deleteQuietly(pending);
            throw new CliException(Exit.KEY, "the device key " + old + " could not sign the announcement, so nothing was sent: "
                    + ex.getMessage() + ". With key.store=tpm check the TPM (sudo breathgate-agent doctor) and run rotate-key again."
                    + " The device keeps its key " + old + ".", ex);
        }
        KeyId confirmed;
        try {
            confirmed = new ReceiverClient(e.receiverUrl(), e.tlsFingerprint().map(PinnedTls::of), Duration.ofSeconds(timeoutSeconds))
                    .rotateKey(c.deviceId(), request);
        } catch (EnrollmentException ex) {
            if (ex.httpStatus() >= 400 && ex.httpStatus() < 500 || ex.code().equals("unreachable") && ex.httpStatus() == 0
                    && !(ex.getCause() instanceof java.net.http.HttpTimeoutException)) {
                destroyPendingTpmKey(pending, next); // the receiver certainly did not take this key
                deleteQuietly(pending);
            }
            throw new CliException(Exit.RECEIVER, "key rotation failed: " + ex.getMessage() + " The device keeps its key " + old + ".", ex);
        }
        if (!confirmed.equals(next)) {
            throw new CliException(Exit.RECEIVER, "the receiver confirmed " + confirmed + ", not " + next + "; the device keeps " + old
                    + ". Tell the receiver's admin.");
        }
        try (StagedFiles f = new StagedFiles()) {
            Path configFile = paths.configFile();
            List<String> lines = Files.readAllLines(configFile, StandardCharsets.UTF_8);
            StringBuilder out = new StringBuilder();
            boolean found = false;
            for (String line : lines) {
                if (line.startsWith("key.version=")) {
                    line = "key.version=" + next.version();
                    found = true;
                }
                out.append(line).append('\n');
            }
            if (!found) {
                out.append("key.version=").append(next.version()).append('\n');
            }
            StagedFiles.Owner keyOwner = new StagedFiles.Owner(java.util.Optional.of(Files.getOwner(c.keyFile())), java.util.Optional.empty());
            f.stage(c.keyFile(), freshFile, "rw-------", keyOwner, true);
            f.stage(configFile, out.toString().getBytes(StandardCharsets.UTF_8),
                    java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(configFile)),
                    new StagedFiles.Owner(java.util.Optional.of(Files.getOwner(configFile)), java.util.Optional.of(
                            Files.readAttributes(configFile, java.nio.file.attribute.PosixFileAttributes.class).group())), true);
            f.commit();
            Files.deleteIfExists(pending);
        } catch (IOException ex) {
            throw new CliException(Exit.IO, "the receiver has the new key " + next + " but writing it here failed: " + ex.getMessage()
                    + ". The new key is kept in " + pending + ": fix the problem and run rotate-key again.", ex);
        }
        if (oldTpmKey.isPresent()) {
            try (Tpm2Tools tools = new Tpm2Tools(oldTpmKey.get().tcti())) {
                TpmKey.destroy(tools, oldTpmKey.get().handle());
                t.say("The old key " + old + " was destroyed in the TPM.");
            } catch (TpmException ex) {
                t.say("WARNING: the old key " + old + " could not be destroyed in the TPM: " + ex.getMessage());
            }
        }
        t.say("The device now signs with " + next + ". Readings signed with " + old + " stay valid.");
        // A new broker login with the new key: the old password, which a copy of this device's card may hold, stops working.
        try {
            SigningKey nextKey = DeviceKeyFile.load(c.keyFile(), next);
            new BrokerLoginRenewal(e, c.deviceId(), nextKey, c.dataDir().resolve(BrokerLoginRenewal.RENEWED_FILE),
                    () -> Clock.systemUTC().instant(), Duration.ofSeconds(timeoutSeconds), c.keyFile()).renew();
            t.say("The device has a new broker login too; the old password no longer works.");
        } catch (EnrollmentException | IOException | KeyFileException ex) {
            t.say("WARNING: the broker login could not be renewed (" + ex.getMessage() + "). The device keeps its login, and asks"
                    + " for a new one by itself if the broker ever refuses it.");
        }
        t.say(Services.restartIfRunning());
        return Exit.OK;
    }

    /**
     * When the TPM holds the attestation key made at enrollment, has it certify the new key's creation with the request's
     * nonce ({@code attestation} in the request): a receiver that attested the current key then registers the new one as
     * attested too. Without that key (a receiver that did not offer attestation at enrollment) nothing is added.
     */
    private static void attest(Terminal t, TpmKey fresh, byte[] nonce, ObjectNode payload) {
        try (Tpm2Tools tools = new Tpm2Tools(fresh.tcti())) {
            TpmAttestor attestor = new TpmAttestor(tools);
            if (!attestor.hasAttestationKey()) {
                t.say("This TPM has no attestation key (the receiver did not attest it at setup): the new key is announced without"
                        + " the TPM's certification.");
                return;
            }
            payload.set("attestation", AttestationJson.toRotationJson(attestor.certifyCreation(fresh, nonce)));
            t.say("The TPM's attestation key certified that it made the new key.");
        } catch (TpmException ex) {
            throw new CliException(Exit.KEY, "the TPM could not certify the new key: " + ex.getMessage() + ". Nothing was sent; run"
                    + " rotate-key again (the new key is kept for it). The device keeps its key.", ex);
        }
    }

    private static void stagePending(Path pending, byte[] bytes) throws IOException {
        try (StagedFiles f = new StagedFiles()) {
            f.stage(pending, bytes, "rw-------", StagedFiles.Owner.unchanged(), false);
            f.commit();
        }
    }

    /** A TPM key the receiver refused is destroyed with its pending file. */
    private static void destroyPendingTpmKey(Path pending, KeyId next) {
        if (!DeviceKeyFile.holdsTpmKey(pending)) {
            return;
        }
        try {
            TpmKey key = TpmKey.read(pending, next);
            try (Tpm2Tools tools = new Tpm2Tools(key.tcti())) {
                TpmKey.destroy(tools, key.handle());
            }
        } catch (IOException | IllegalArgumentException | TpmException e) {
            // the next setup or deprovision frees the handle
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String nonce() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover pending key is reused by the next attempt
        }
    }
}
