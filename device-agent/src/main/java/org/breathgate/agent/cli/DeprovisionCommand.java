package org.breathgate.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.enroll.EnrollmentException;
import org.breathgate.agent.enroll.PinnedTls;
import org.breathgate.agent.enroll.ReceiverClient;
import org.breathgate.agent.enroll.RequestSigner;
import org.breathgate.agent.enroll.StagedFiles;
import org.breathgate.agent.evidence.KeyFileException;
import org.breathgate.agent.outbox.OutboxInspection;
import org.breathgate.agent.status.StatusSnapshot;
import org.breathgate.agent.evidence.DeviceKeyFile;
import org.breathgate.agent.tpm.Tpm2Tools;
import org.breathgate.agent.tpm.TpmAttestor;
import org.breathgate.agent.tpm.TpmException;
import org.breathgate.agent.tpm.TpmKey;
import org.breathgate.protocol.KeyId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code deprovision}: before a device is lent to another family. Tells the receiver (signed with
 * the device key) to retire it, then removes the key and credentials; the outbox and the
 * configuration (without secrets) are kept aside in {@code <data dir>/retired/}. Refused while
 * readings are unsent, unless forced.
 */
@Command(name = "deprovision", mixinStandardHelpOptions = true,
        description = {"Retire this device: the receiver is told, the key and credentials are removed.",
            "Refused while readings have not been sent, unless --force (they are then kept on the device but never sent).",
            "Stop the agent first: sudo systemctl stop breathgate-agent"})
final class DeprovisionCommand implements Callable<Integer> {

    static final String TYP = "breathgate-deprovision";
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    AgentCli parent;

    @Mixin
    DevicePaths paths;

    @Option(names = "--force", description = "Deprovision even though readings have not been sent. They will NEVER reach the receiver.")
    boolean force;

    @Option(names = "--offline", description = "Do not tell the receiver (it cannot be reached); an admin must retire the device there.")
    boolean offline;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    boolean yes;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "20", description = "Network timeout (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
        Terminal t = parent.terminal();
        AgentConfig c = paths.load();
        if (StatusCommand.readStatus(c).map(StatusSnapshot::alive).orElse(false)) {
            throw new CliException(Exit.REFUSED, "the agent is running; stop it first: sudo systemctl stop breathgate-agent. Nothing was changed.");
        }
        Optional<OutboxInspection> box = OutboxInspection.read(c.outboxFile());
        int unsent = box.map(OutboxInspection::depth).orElse(0);
        if (unsent > 0 && !force) {
            throw new CliException(Exit.REFUSED, unsent + " event(s) have not reached the receiver yet. Start the agent with a network"
                    + " connection until 'breathgate-agent status' shows 0 waiting, then deprovision. To give them up, use --force."
                    + " Nothing was changed.");
        }
        if (unsent > 0) {
            t.say("WARNING: " + unsent + " event(s) of " + c.deviceId() + " were never sent. They will stay in "
                    + c.dataDir().resolve("retired") + " on this device but will NEVER reach the receiver,"
                    + " and the receiver will report them as a gap.");
        }
        t.say("Deprovisioning " + c.deviceId() + ": the receiver is told, and the key and MQTT password are removed from this device.");
        if (!yes && !t.confirm("Deprovision " + c.deviceId() + "?")) {
            throw new CliException(Exit.REFUSED, "nothing was changed.");
        }
        if (!offline) {
            AgentConfig.Enrollment e = c.enrollment().orElseThrow(() -> new CliException(Exit.REFUSED,
                    "this device was not enrolled with setup (no receiver.url); retire it on the receiver and re-run with --offline"));
            try {
                RequestSigner signer = RequestSigner.load(c.keyFile(), new KeyId(c.deviceId(), c.keyVersion()));
                ObjectNode payload = JSON.createObjectNode();
                payload.put("type", "deprovision");
                payload.put("device_id", c.deviceId());
                payload.put("iat", Clock.systemUTC().instant().getEpochSecond());
                payload.put("nonce", RotateKeyCommand.nonce());
                payload.put("last_seq", box.map(OutboxInspection::lastSeq).orElse(0L));
                payload.put("unsent", unsent);
                new ReceiverClient(e.receiverUrl(), e.tlsFingerprint().map(PinnedTls::of), Duration.ofSeconds(timeoutSeconds))
                        .deprovision(c.deviceId(), signer.sign(TYP, payload));
                t.say("  The receiver has retired " + c.deviceId() + ".");
            } catch (KeyFileException ex) {
                throw new CliException(Exit.KEY, ex.getMessage() + ". Nothing was changed; use --offline if the key is lost.", ex);
            } catch (org.breathgate.protocol.SigningKey.SigningFailedException ex) {
                throw new CliException(Exit.KEY, "the device key could not sign the request, so the receiver was not told: "
                        + ex.getMessage() + ". Nothing was changed. With key.store=tpm check the TPM (sudo breathgate-agent doctor);"
                        + " use --offline if it is gone for good (an admin must then retire the device on the receiver).", ex);
            } catch (EnrollmentException ex) {
                throw new CliException(Exit.RECEIVER, "the receiver was not told: " + ex.getMessage()
                        + " Nothing was changed. Use --offline to deprovision anyway (an admin must then retire it on the receiver).", ex);
            }
        }
        destroyTpmKey(c, t);
        Path retired = c.dataDir().resolve("retired").resolve(c.deviceId() + "-"
                + LocalDateTime.now(Clock.systemUTC()).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try {
            Files.createDirectories(retired);
            for (Path f : List.of(c.outboxFile(), c.outboxFile().resolveSibling("outbox.db-wal"), c.outboxFile().resolveSibling("outbox.db-shm"),
                    c.dataDir().resolve(DeviceAgent.ENROLLED_CONFIG_FILE), c.statusFile(), paths.configFile())) {
                if (Files.exists(f)) {
                    Files.move(f, retired.resolve(f.getFileName()));
                }
            }
            shred(c.keyFile());
            if (c.mqtt().passwordFile().isPresent()) {
                shred(c.mqtt().passwordFile().get());
            }
            Path renewed = c.dataDir().resolve(org.breathgate.agent.enroll.BrokerLoginRenewal.RENEWED_FILE);
            if (Files.exists(renewed)) {
                shred(renewed);
            }
            StagedFiles.syncDirectory(c.dataDir());
            StagedFiles.syncDirectory(paths.configDir);
        } catch (IOException ex) {
            throw new CliException(Exit.IO, "removing the device's files failed part-way: " + ex.getMessage()
                    + ". Remove " + c.keyFile() + " by hand.", ex);
        }
        t.say("Done. " + c.deviceId() + "'s key and password are gone; its outbox and configuration are kept in " + retired + ".");
        t.say("The device can be set up again for another family with: sudo breathgate-agent setup");
        return Exit.OK;
    }

    /**
     * A key held in the TPM is evicted (it then exists nowhere), with the attestation key. A TPM that
     * cannot be reached stops deprovisioning before any file is removed, so it can be retried.
     */
    private static void destroyTpmKey(AgentConfig c, Terminal t) {
        if (!DeviceKeyFile.holdsTpmKey(c.keyFile())) {
            return;
        }
        try {
            TpmKey key = TpmKey.read(c.keyFile(), new KeyId(c.deviceId(), c.keyVersion()));
            try (Tpm2Tools tools = new Tpm2Tools(key.tcti())) {
                TpmKey.destroy(tools, key.handle());
                for (int handle : TpmKey.KEY_HANDLES) {
                    TpmKey.destroy(tools, handle); // a pending key of an interrupted rotation, too
                }
                new TpmAttestor(tools).destroy();
            }
            t.say("  The device key was destroyed inside the TPM (" + String.format("0x%08x", key.handle()) + ").");
        } catch (IOException | IllegalArgumentException | TpmException e) {
            throw new CliException(Exit.KEY, "the device key in the TPM could not be destroyed: " + e.getMessage()
                    + ". The receiver was told; run deprovision --offline again once the TPM answers.", e);
        }
    }

    /** Overwrites a secret before deleting it (an SD card may keep old blocks, but a plain read of the file will not). */
    private static void shred(Path f) throws IOException {
        if (Files.exists(f)) {
            long size = Files.size(f);
            Files.write(f, new byte[(int) Math.min(size, 1 << 20)], java.nio.file.StandardOpenOption.SYNC);
            Files.delete(f);
        }
    }
}
