package org.breathgate.agent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.evidence.DeviceKeyFile;
import org.breathgate.agent.evidence.KeyFileException;
import org.breathgate.agent.outbox.OutboxInspection;
import org.breathgate.agent.status.StatusFile;
import org.breathgate.agent.status.StatusSnapshot;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.TestReason;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code status}: the device at a glance, read from the configuration, the outbox (read-only, while
 * the agent runs) and the status file the agent rewrites every few seconds.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show enrollment, broker connection, outbox, last reading, clock, sensor and disk at a glance.",
            "Works while the agent runs. Exit code 1 if the agent is not running."})
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    AgentCli parent;

    @Mixin
    DevicePaths paths;

    @Override
    public Integer call() {
        Terminal t = parent.terminal();
        AgentConfig c = paths.load();
        Instant now = Clock.systemUTC().instant();
        Optional<StatusSnapshot> s = readStatus(c);
        boolean running = s.map(StatusSnapshot::alive).orElse(false);

        t.say(Show.row("Device", c.deviceId() + " (key " + c.deviceId() + ":" + c.keyVersion() + ")"));
        t.say(Show.row("Receiver", c.enrollment().map(e -> e.receiverUrl() + e.tlsFingerprint().map(f -> " (pinned "
                + f.substring(0, 19) + "...)").orElse("")).orElse("not enrolled through setup")));
        if (s.isEmpty()) {
            t.say(Show.row("Agent", "NOT RUNNING (it has never written " + c.statusFile() + "): sudo systemctl start breathgate-agent"));
        } else if (!running) {
            t.say(Show.row("Agent", "NOT RUNNING (last seen " + Show.ago(s.get().writtenAt(), now)
                    + "): sudo systemctl start breathgate-agent; why it stopped: journalctl -u breathgate-agent"));
        } else {
            t.say(Show.row("Agent", "running, pid " + s.get().pid() + ", version " + s.get().version() + ", status "
                    + Show.ago(s.get().writtenAt(), now)));
        }
        s.filter(x -> running).ifPresent(x -> t.say(Show.row("Broker", (x.connected() ? "connected to " : "NOT CONNECTED to ")
                + x.brokerUri() + x.lastAck().map(a -> "; last receiver ack " + Show.ago(a, now)).orElse("; no ack yet")
                + (x.connected() ? "" : " (run: breathgate-agent doctor)"))));
        Optional<OutboxInspection> box = OutboxInspection.read(c.outboxFile());
        t.say(Show.row("Outbox", box.map(b -> b.depth() + " waiting to be sent (" + Show.bytes(b.bytes()) + " of "
                + Show.bytes(c.outboxBudgetBytes()) + ")" + (b.deadLetters() > 0 ? ", " + b.deadLetters() + " QUARANTINED by the receiver" : "")
                + "; last seq " + b.lastSeq()).orElse("empty (no event recorded yet)")));
        t.say(Show.row("Last reading", box.flatMap(OutboxInspection::lastReading).map(r -> describe(c, r, now)).orElse("none yet")));
        s.filter(x -> running).ifPresent(x -> t.say(Show.row("Clock", x.clockSynced() ? "synchronised"
                : "NOT SYNCHRONISED: readings are marked so; check network time (timedatectl)")));
        s.filter(x -> running).ifPresent(x -> t.say(Show.row("Sensor", x.sensorState().replace('_', ' ')
                + x.sensorModel().map(m -> ": " + m + " " + x.sensorSerial().orElse("")).orElse("")
                + x.calibrationDue().map(d -> ", calibration due " + d + due(d, now)).orElse(""))));
        try {
            Files.createDirectories(c.dataDir());
            long free = Files.getFileStore(c.dataDir()).getUsableSpace();
            t.say(Show.row("Disk", Show.bytes(free) + " free in " + c.dataDir() + (free < 50L * 1024 * 1024 ? " (LOW)" : "")));
        } catch (IOException e) {
            t.say(Show.row("Disk", "cannot check " + c.dataDir() + ": " + e.getMessage()));
        }
        s.filter(x -> running).ifPresent(x -> t.say(Show.row("Warnings", x.warnings().isEmpty() ? "none" : String.join(", ", x.warnings()))));
        return running ? Exit.OK : Exit.CHECK_FAILED;
    }

    static Optional<StatusSnapshot> readStatus(AgentConfig c) {
        try {
            return StatusFile.read(c.statusFile());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String due(LocalDate d, Instant now) {
        long days = ChronoUnit.DAYS.between(LocalDate.ofInstant(now, ZoneOffset.UTC), d);
        return days < 0 ? " (OVERDUE by " + -days + " days)" : " (in " + days + " days)";
    }

    private static String describe(AgentConfig c, String compact, Instant now) {
        try {
            MessageVerifier v = new MessageVerifier(KeyResolver.of(DeviceKeyFile.load(c.keyFile(),
                    new KeyId(c.deviceId(), c.keyVersion())).verificationKey()));
            SignedMessage m = v.verify(compact, c.deviceId());
            if (m.message() instanceof Reading r) {
                return reading(r, now);
            }
            return "(not a reading)";
        } catch (KeyFileException e) {
            return "(cannot check its signature: " + e.getMessage() + ")";
        } catch (InvalidMessageException e) {
            return "(signed with another key version, e.g. before a key rotation)";
        }
    }

    static String reading(Reading r, Instant now) {
        String value = r.breathAlcohol() == null ? "" : " " + r.breathAlcohol().microgramsPerLitre() + " µg/L";
        String why = r.reason() instanceof TestReason.OnDemand ? "on demand" : r.reason() instanceof TestReason.Retest ? "retest" : "scheduled";
        return "#" + r.seq() + " " + r.outcome().wireName() + value + (r.abortReason() == null ? "" : " (" + r.abortReason().wireName() + ")")
                + ", " + why + ", " + Show.ago(r.clock().wall(), now) + " (" + r.clock().wall() + ")";
    }
}
