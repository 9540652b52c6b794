package org.breathgate.agent.cli;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.config.AgentConfigLoader;
import org.breathgate.agent.config.ConfigException;
import org.breathgate.protocol.EnrollmentCode;
import org.breathgate.agent.enroll.EnrollmentException;
import org.breathgate.agent.enroll.EnrollmentRequest;
import org.breathgate.agent.enroll.EnrollmentResponse;
import org.breathgate.agent.enroll.PinnedTls;
import org.breathgate.agent.enroll.ReceiverClient;
import org.breathgate.agent.enroll.StagedFiles;
import org.breathgate.agent.evidence.DeviceKeyFile;
import org.breathgate.agent.tpm.Tpm2Tools;
import org.breathgate.agent.tpm.TpmAttestor;
import org.breathgate.agent.tpm.TpmException;
import org.breathgate.agent.tpm.TpmKey;
import org.breathgate.agent.outbox.OutboxInspection;
import org.breathgate.hardware.BreathalyserConfig;
import org.breathgate.hardware.Breathalysers;
import org.breathgate.hardware.SensorInfo;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.VerificationKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code setup}: from a plugged-in breathalyser to an enrolled device. Asks for what the flags do
 * not give, tests the sensor, makes the device key, enrolls with the one-time code over pinned
 * HTTPS, and only then writes every file, staged and renamed into place with the configuration last.
 * Anything that fails before that leaves the device exactly as it was.
 */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = {"Set up this device: choose the breathalyser, test it, make the device key and enroll with the receiver.",
            "Asks for anything not given as an option; every question has an option, so it can run from a script.",
            "The enrollment line from the receiver gives --receiver, --code and --fingerprint."})
final class SetupCommand implements Callable<Integer> {

    /** The keys setup owns in agent.properties; everything else a technician set is kept. */
    private static final List<String> OWNED_PREFIXES = List.of("device.id", "key.", "receiver.", "mqtt.uri", "mqtt.tls.",
            "mqtt.username", "mqtt.password.file", "mqtt.client.id", "sensor.driver", "sensor.port", "sensor.baud", "sensor.model",
            "sensor.serial", "sensor.calibration.due", "sensor.full.scale.ppm", "sensor.ppm.per.count", "sensor.preheat.s",
            "interlock.", "panel", "data.dir");

    @ParentCommand
    AgentCli parent;

    @Mixin
    DevicePaths paths;

    @Option(names = "--driver", paramLabel = "DRIVER", description = "Breathalyser driver: line, frame or gpio-interlock.")
    String driver;

    @Option(names = "--port", paramLabel = "PATH", description = "Serial port of the breathalyser (prefer /dev/serial/by-id/...).")
    String port;

    @Option(names = "--baud", paramLabel = "N", defaultValue = "9600", description = "Serial speed (default: ${DEFAULT-VALUE}).")
    int baud;

    @Option(names = "--sensor-model", paramLabel = "TEXT", description = "Model, for sensors that cannot tell it (frame, gpio-interlock).")
    String sensorModel;

    @Option(names = "--sensor-serial", paramLabel = "TEXT", description = "Serial number, for sensors that cannot tell it.")
    String sensorSerial;

    @Option(names = "--calibration-due", paramLabel = "YYYY-MM-DD", description = "Calibration due date, for sensors that cannot tell it.")
    String calibrationDue;

    @Option(names = "--full-scale-ppm", paramLabel = "PPM", description = "Full-scale range of a gas module (frame), from its datasheet.")
    String fullScalePpm;

    @Option(names = "--interlock-pins", paramLabel = "READY,PASS,FAIL[,START]",
            description = "BCM pins of a GPIO interlock (default 17,27,22; START optional).")
    String interlockPins;

    @Option(names = "--panel", paramLabel = "none|gpio", description = "Buttons, light and buzzer on GPIO (gpio) or none.")
    String panel;

    @Option(names = "--receiver", paramLabel = "URL", description = "The receiver, https://host:port, from the enrollment line.")
    String receiver;

    @Option(names = "--fingerprint", paramLabel = "sha256:HEX",
            description = "The receiver's TLS certificate fingerprint from the enrollment line (needed for a self-signed certificate).")
    String fingerprint;

    @Option(names = "--code", paramLabel = "XXXX-XXXX-XXXX-XXXX", description = "The one-time enrollment code.")
    String code;

    @Option(names = {"-y", "--yes"}, description = "Answer yes to confirmations (re-enrolling an enrolled device).")
    boolean yes;

    @Option(names = "--force", description = "Re-enroll even though readings have not been sent yet (they are kept but never sent).")
    boolean force;

    @Option(names = "--service-user", paramLabel = "USER", defaultValue = "breathgate",
            description = "The user the agent runs as; it gets the key and may read the configuration (default: ${DEFAULT-VALUE}).")
    String serviceUser;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "20", description = "Network timeout (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--key-store", paramLabel = "file|tpm",
            description = {"Where the device key is made: file (default; any Pi) or tpm (inside the TPM 2.0 module, which the key",
                "never leaves; attested to the receiver). Default: key.store of the existing configuration, else file."})
    String keyStore;

    @Option(names = "--tpm-tcti", paramLabel = "TCTI", defaultValue = Tpm2Tools.DEFAULT_TCTI,
            description = "How to reach the TPM with --key-store tpm (default: ${DEFAULT-VALUE}, the kernel's resource manager).")
    String tpmTcti;

    private Terminal t;

    @Override
    public Integer call() {
        t = parent.terminal();
        t.say("Breathgate device setup (agent " + DeviceAgent.VERSION + ")");
        Properties existing = readExisting();
        checkWritable(paths.configDir);
        checkWritable(paths.dataDir);
        Optional<Path> retire = checkReEnrollment(existing);

        t.say("");
        t.say("Step 1 of 3: the breathalyser");
        Map<String, String> sensorKeys = chooseSensor();
        BreathalyserConfig sensorConfig;
        try {
            sensorConfig = AgentConfigLoader.breathalyserOnly(sensorKeys);
        } catch (ConfigException e) {
            throw new CliException(Exit.USAGE, e.getMessage());
        }
        t.say("Testing the breathalyser on " + SensorCheck.where(sensorConfig) + " ...");
        SensorInfo sensor = SensorCheck.selfTest(sensorConfig);
        t.say("  OK: " + sensor.model() + ", serial " + sensor.serialNumber() + sensor.firmware().map(f -> ", firmware " + f).orElse("")
                + sensor.calibrationDue().map(d -> ", calibration due " + d).orElse(", calibration date unknown"));

        t.say("");
        t.say("Step 2 of 3: the receiver (from the enrollment line)");
        URI receiverUrl = askReceiver();
        Optional<PinnedTls> pin = askFingerprint();
        EnrollmentCode enrollmentCode = askCode();

        t.say("");
        t.say("Step 3 of 3: the device key and enrollment");
        boolean tpm = useTpm(existing);
        ReceiverClient client = new ReceiverClient(receiverUrl, pin, Duration.ofSeconds(timeoutSeconds));
        EnrollmentRequest.Sensor sensorFacts = new EnrollmentRequest.Sensor(SensorCheck.driverName(sensorConfig), sensor.model(),
                sensor.serialNumber(), sensor.firmware(), sensor.calibrationDue());
        EnrollmentResponse answer;
        byte[] keyFileBytes;
        Optional<TpmKey> oldTpmKey = oldTpmKey(existing);
        if (tpm) {
            TpmEnrollment enrolled = enrollWithTpm(client, enrollmentCode, sensorFacts, receiverUrl, pin);
            answer = enrolled.answer();
            keyFileBytes = enrolled.key().toFileText().getBytes(StandardCharsets.US_ASCII);
        } else {
            // The kid's owner is not known until the receiver names the device; the PEM does not carry it.
            SigningKey key = SigningKey.generate(new KeyId("unenrolled", 1), new SecureRandom());
            t.say("  New device key made (fingerprint " + key.verificationKey().fingerprint().substring(0, 16) + "...)");
            t.say("  Enrolling with " + receiverUrl + (pin.isPresent() ? " (certificate pinned)" : "") + " ...");
            try {
                answer = client.enroll(new EnrollmentRequest(enrollmentCode, key.verificationKey(), sensorFacts, DeviceAgent.VERSION,
                        hostname()));
            } catch (EnrollmentException e) {
                throw new CliException(Exit.RECEIVER, "enrollment failed: " + e.getMessage() + " Nothing on this device was changed.", e);
            }
            keyFileBytes = key.toPem().getBytes(StandardCharsets.US_ASCII);
        }
        Optional<String> firstConfig = checkFirstConfig(answer);
        t.say("  Enrolled as " + answer.deviceId() + " (key " + answer.keyId() + "); broker " + answer.brokerUri());
        if (answer.brokerUri().getScheme().equals("tcp")) {
            t.say("  WARNING: the broker connection is not encrypted (tcp://). Use this only in a lab.");
        }
        write(existing, sensorKeys, receiverUrl, pin, keyFileBytes, tpm, answer, firstConfig, retire);
        if (oldTpmKey.isPresent()) {
            destroyOldTpmKey(oldTpmKey.get());
        }
        t.say("");
        t.say("Done. Start the agent:  sudo systemctl restart breathgate-agent");
        t.say("Then check it:          breathgate-agent status   (and breathgate-agent test for one breath test)");
        return Exit.OK;
    }

    /** Before the code is spent: the files can be written here (usually: run with sudo). */
    private static void checkWritable(Path dir) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null || !Files.isWritable(p)) {
            throw new CliException(Exit.IO, "cannot write in " + dir + ": run setup with sudo. Nothing was changed.");
        }
    }

    // ---- re-enrollment ---------------------------------------------------------------------

    private Properties readExisting() {
        Properties p = new Properties();
        if (Files.exists(paths.configFile())) {
            try (Reader r = Files.newBufferedReader(paths.configFile(), StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new CliException(Exit.IO, "cannot read " + paths.configFile() + ": " + e.getMessage(), e);
            }
        }
        return p;
    }

    /** Asks before touching an enrolled device; returns where its old outbox goes, if it has one. */
    private Optional<Path> checkReEnrollment(Properties existing) {
        String oldId = existing.getProperty("device.id");
        if (oldId == null) {
            return Optional.empty();
        }
        Path dataDir = Path.of(existing.getProperty("data.dir", paths.dataDir.toString()));
        Path outboxFile = dataDir.resolve("outbox.db");
        int unsent = OutboxInspection.read(outboxFile).map(OutboxInspection::depth).orElse(0);
        t.say("This device is already enrolled as " + oldId + " (" + paths.configFile() + ").");
        if (unsent > 0 && !force) {
            throw new CliException(Exit.REFUSED, unsent + " event(s) of " + oldId + " have not reached the receiver yet;"
                    + " setting up again would leave them unsent. Connect the device to the network until"
                    + " 'breathgate-agent status' shows 0 waiting, or re-run with --force to keep them aside unsent. Nothing was changed.");
        }
        if (unsent > 0) {
            t.say("WARNING: " + unsent + " event(s) of " + oldId + " were never sent. They will be kept in " + dataDir.resolve("retired")
                    + " but NOT sent to the receiver.");
        }
        t.say("Setting it up again gives it a new identity and key; " + oldId + "'s key will be removed.");
        if (!yes && !t.confirm("Set this device up again?")) {
            throw new CliException(Exit.REFUSED, "nothing was changed.");
        }
        return Files.exists(outboxFile) ? Optional.of(dataDir.resolve("retired")
                .resolve(oldId + "-" + LocalDateTime.now(Clock.systemUTC()).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))))
                : Optional.empty();
    }

    // ---- questions -------------------------------------------------------------------------

    private Map<String, String> chooseSensor() {
        Map<String, String> k = new TreeMap<>();
        if (driver == null) {
            t.say("  Drivers: line (Breathgate line protocol, USB serial), frame (gas module, serial), gpio-interlock (interlock on GPIO)");
        }
        String d = driver != null ? driver : t.ask("Breathalyser driver", "line", "--driver");
        if (!List.of("line", "frame", "gpio-interlock").contains(d)) {
            throw new CliException(Exit.USAGE, "driver '" + d + "' is not one of line, frame, gpio-interlock");
        }
        k.put("sensor.driver", d);
        if (!d.equals("gpio-interlock")) {
            k.put("sensor.port", port != null ? port : askPort());
            k.put("sensor.baud", Integer.toString(baud));
        } else {
            String pins = interlockPins != null ? interlockPins : t.ask("Interlock pins READY,PASS,FAIL[,START] (BCM)", "17,27,22", "--interlock-pins");
            String[] p = pins.split(",");
            if (p.length < 3 || p.length > 4) {
                throw new CliException(Exit.USAGE, "interlock pins are READY,PASS,FAIL or READY,PASS,FAIL,START, e.g. 17,27,22");
            }
            k.put("interlock.ready.pin", p[0].strip());
            k.put("interlock.pass.pin", p[1].strip());
            k.put("interlock.fail.pin", p[2].strip());
            if (p.length == 4) {
                k.put("interlock.start.pin", p[3].strip());
            }
        }
        if (!d.equals("line")) {
            k.put("sensor.model", sensorModel != null ? sensorModel : t.ask("Sensor model (from its label)", null, "--sensor-model"));
            k.put("sensor.serial", sensorSerial != null ? sensorSerial : t.ask("Sensor serial number", null, "--sensor-serial"));
            String due = calibrationDue != null ? calibrationDue
                    : t.ask("Calibration due date YYYY-MM-DD (empty if unknown)", "", "--calibration-due");
            if (!due.isEmpty()) {
                k.put("sensor.calibration.due", due);
            }
        }
        if (d.equals("frame")) {
            k.put("sensor.full.scale.ppm", fullScalePpm != null ? fullScalePpm
                    : t.ask("Full-scale range in ppm (datasheet)", null, "--full-scale-ppm"));
        }
        String pnl = panel != null ? panel : t.ask("Buttons and light on GPIO? (gpio/none)", "none", "--panel");
        if (!pnl.equals("gpio") && !pnl.equals("none")) {
            throw new CliException(Exit.USAGE, "panel must be gpio or none, not '" + pnl + "'");
        }
        k.put("panel", pnl);
        return k;
    }

    private String askPort() {
        List<String> found = new ArrayList<>(new LinkedHashSet<>(serialPorts()));
        if (found.isEmpty()) {
            t.say("  No serial ports found. Is the breathalyser plugged in? (ls /dev/serial/by-id/)");
            String p = t.ask("Serial port path", null, "--port");
            if (p.isEmpty()) {
                throw new CliException(Exit.USAGE, "no serial port given");
            }
            return p;
        }
        t.say("  Serial ports found:");
        for (int i = 0; i < found.size(); i++) {
            t.say("    " + (i + 1) + ") " + found.get(i));
        }
        String a = t.ask("Serial port (number or path)", "1", "--port");
        if (a.matches("[0-9]+")) {
            int n = Integer.parseInt(a);
            if (n < 1 || n > found.size()) {
                throw new CliException(Exit.USAGE, "there is no port number " + n);
            }
            return found.get(n - 1);
        }
        return a;
    }

    /** Stable names first: /dev/serial/by-id survives re-plugging into another USB socket. */
    private static List<String> serialPorts() {
        List<String> out = new ArrayList<>();
        Path byId = Path.of("/dev/serial/by-id");
        if (Files.isDirectory(byId)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(byId)) {
                s.forEach(p -> out.add(p.toString()));
            } catch (IOException e) {
                // fall back to the system list
            }
        }
        out.sort(null);
        for (String p : Breathalysers.listSerialPorts()) {
            out.add(p.startsWith("/") ? p : "/dev/" + p);
        }
        return out;
    }

    private URI askReceiver() {
        String r = receiver != null ? receiver : t.ask("Receiver address (https://host:port)", null, "--receiver");
        try {
            URI u = new URI(r.strip());
            if (!"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new URISyntaxException(r, "not https://host[:port]");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new CliException(Exit.USAGE, "the receiver address must look like https://receiver.example.fi:8443, not '" + r + "'");
        }
    }

    private Optional<PinnedTls> askFingerprint() {
        String f = fingerprint != null ? fingerprint
                : t.ask("Receiver certificate fingerprint (sha256:..., empty if it has a public certificate)", "", "--fingerprint");
        if (f.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(PinnedTls.of(f));
        } catch (IllegalArgumentException e) {
            throw new CliException(Exit.USAGE, e.getMessage());
        }
    }

    private EnrollmentCode askCode() {
        if (code != null) {
            try {
                return EnrollmentCode.parse(code);
            } catch (IllegalArgumentException e) {
                throw new CliException(Exit.USAGE, e.getMessage() + ". Nothing on this device was changed.");
            }
        }
        for (int attempt = 1; ; attempt++) {
            String typed = t.ask("Enrollment code (XXXX-XXXX-XXXX-XXXX)", null, "--code");
            try {
                return EnrollmentCode.parse(typed);
            } catch (IllegalArgumentException e) {
                if (attempt == 3) {
                    throw new CliException(Exit.USAGE, e.getMessage() + ". Nothing on this device was changed.");
                }
                t.say("  " + e.getMessage() + ". Please type it again.");
            }
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    // ---- a key in the TPM ------------------------------------------------------------------

    private boolean useTpm(Properties existing) {
        String store = keyStore != null ? keyStore : existing.getProperty("key.store", "file").strip();
        if (!store.equals("file") && !store.equals("tpm")) {
            throw new CliException(Exit.USAGE, "--key-store must be file or tpm, not '" + store + "'");
        }
        return store.equals("tpm");
    }

    private record TpmEnrollment(TpmKey key, EnrollmentResponse answer) {
    }

    /**
     * Makes the key inside the TPM, proves to the receiver that it is there (attestation), and enrolls it.
     * If anything fails, the new key is destroyed again: the device stays as it was.
     */
    private TpmEnrollment enrollWithTpm(ReceiverClient client, EnrollmentCode enrollmentCode, EnrollmentRequest.Sensor sensorFacts,
                                        URI receiverUrl, Optional<PinnedTls> pin) {
        Tpm2Tools tools;
        TpmKey key;
        try {
            tools = new Tpm2Tools(tpmTcti);
            key = TpmKey.create(tools, new KeyId("unenrolled", 1), new SecureRandom());
        } catch (TpmException e) {
            throw new CliException(Exit.KEY, "cannot make the device key in the TPM: " + e.getMessage() + ". Nothing was changed.", e);
        }
        t.say("  New device key made inside the TPM at " + String.format("0x%08x", key.handle()) + " (fingerprint "
                + key.publicKey().fingerprint().substring(0, 16) + "...); it can never leave the TPM");
        try {
            Optional<org.breathgate.attestation.AttestationProof> proof = attest(tools, client, enrollmentCode, key);
            t.say("  Enrolling with " + receiverUrl + (pin.isPresent() ? " (certificate pinned)" : "") + " ...");
            EnrollmentResponse answer = client.enroll(new EnrollmentRequest(enrollmentCode, key.publicKey(), sensorFacts,
                    DeviceAgent.VERSION, hostname(), proof));
            return new TpmEnrollment(key, answer);
        } catch (EnrollmentException | TpmException | RuntimeException e) {
            try {
                TpmKey.destroy(tools, key.handle());
            } catch (TpmException again) {
                e.addSuppressed(again);
            }
            if (e instanceof CliException c) {
                throw c;
            }
            throw new CliException(e instanceof TpmException ? Exit.KEY : Exit.RECEIVER, "enrollment failed: " + e.getMessage()
                    + " The new TPM key was destroyed; nothing on this device was changed.", e);
        } finally {
            tools.close();
        }
    }

    /** The two-step attestation exchange; empty when the receiver does not offer attestation (it then enrolls the key unattested). */
    private Optional<org.breathgate.attestation.AttestationProof> attest(Tpm2Tools tools, ReceiverClient client, EnrollmentCode enrollmentCode,
                                                                         TpmKey key) throws EnrollmentException, TpmException {
        TpmAttestor attestor = new TpmAttestor(tools);
        org.breathgate.attestation.AttestationRequest request = attestor.begin();
        t.say("  Proving to the receiver that the key is in a genuine TPM (attestation) ...");
        org.breathgate.attestation.Challenge challenge;
        try {
            challenge = client.attestationChallenge(enrollmentCode, request);
        } catch (EnrollmentException e) {
            if (e.code().equals("attestation_unsupported")) {
                t.say("  WARNING: " + e.getMessage() + ". The key is still held in the TPM, but the receiver will not record it as"
                        + " hardware-bound.");
                return Optional.empty();
            }
            throw e;
        }
        byte[] secret = attestor.activate(challenge);
        return Optional.of(attestor.certify(key, challenge, secret));
    }

    /** The TPM key of an earlier enrollment, to destroy once the new one is in place. */
    private Optional<TpmKey> oldTpmKey(Properties existing) {
        String file = existing.getProperty("key.file");
        if (file == null || !DeviceKeyFile.holdsTpmKey(Path.of(file))) {
            return Optional.empty();
        }
        try {
            return Optional.of(TpmKey.read(Path.of(file), new KeyId("unenrolled", 1)));
        } catch (IOException | IllegalArgumentException e) {
            t.say("  WARNING: the old TPM key file " + file + " cannot be read (" + e.getMessage() + "); its key stays in the TPM.");
            return Optional.empty();
        }
    }

    private void destroyOldTpmKey(TpmKey old) {
        try (Tpm2Tools tools = new Tpm2Tools(old.tcti())) {
            TpmKey.destroy(tools, old.handle());
            t.say("  The previous device key was destroyed in the TPM (" + String.format("0x%08x", old.handle()) + ").");
        } catch (TpmException e) {
            t.say("  WARNING: the previous device key could not be destroyed in the TPM: " + e.getMessage());
        }
    }

    // ---- the answer and the files ----------------------------------------------------------

    /** The receiver's first configuration must verify with the keys it just sent, and be for this device. */
    private static Optional<String> checkFirstConfig(EnrollmentResponse answer) {
        if (answer.config().isEmpty()) {
            return Optional.empty();
        }
        try {
            SignedMessage m = new MessageVerifier(KeyResolver.of(answer.receiverKeys().toArray(VerificationKey[]::new)))
                    .verify(answer.config().get(), KeyId.RECEIVER);
            if (!(m.message() instanceof ConfigUpdate u) || !u.deviceId().equals(answer.deviceId())) {
                throw new CliException(Exit.RECEIVER, "the receiver's first configuration is not a configuration for "
                        + answer.deviceId() + "; nothing was written. Report this to the receiver's admin.");
            }
            return answer.config();
        } catch (InvalidMessageException e) {
            throw new CliException(Exit.RECEIVER, "the receiver's first configuration does not verify with its own keys ("
                    + e.getMessage() + "); nothing was written. Report this to the receiver's admin.", e);
        }
    }

    private void write(Properties existing, Map<String, String> sensorKeys, URI receiverUrl, Optional<PinnedTls> pin, byte[] keyFileBytes,
                       boolean tpm, EnrollmentResponse answer, Optional<String> firstConfig, Optional<Path> retire) {
        StagedFiles.Owner owner = serviceOwner();
        Path configDir = paths.configDir;
        Path dataDir = paths.dataDir;
        Path keyFile = dataDir.resolve("device-key.pem");
        Map<String, String> props = new TreeMap<>();
        existing.stringPropertyNames().stream().filter(n -> OWNED_PREFIXES.stream().noneMatch(n::startsWith))
                .forEach(n -> props.put(n, existing.getProperty(n)));
        props.putAll(sensorKeys);
        props.put("device.id", answer.deviceId());
        props.put("key.file", keyFile.toString());
        props.put("key.version", Integer.toString(answer.keyId().version()));
        props.put("key.store", tpm ? "tpm" : "file");
        props.put("data.dir", dataDir.toString());
        props.put("mqtt.uri", answer.brokerUri().toString());
        props.put("mqtt.username", answer.mqttUsername());
        props.put("mqtt.password.file", configDir.resolve("mqtt-password").toString());
        if (answer.brokerUri().getScheme().equals("ssl")) {
            props.put("mqtt.tls.ca", configDir.resolve("broker-ca.pem").toString());
        }
        for (VerificationKey k : answer.receiverKeys()) {
            props.put("receiver.key." + k.keyId().version(), configDir.resolve("receiver-" + k.keyId().version() + ".pem").toString());
        }
        props.put("receiver.url", receiverUrl.toString());
        pin.ifPresent(p -> props.put("receiver.tls.fingerprint", p.fingerprint()));
        try {
            AgentConfigLoader.fromMap(props);
        } catch (ConfigException e) {
            throw new CliException(Exit.SOFTWARE, "the configuration setup would write is not valid (" + e.getMessage()
                    + "); nothing was written");
        }
        try (StagedFiles files = new StagedFiles()) {
            prepareDataDir(dataDir, owner);
            files.stage(keyFile, keyFileBytes, "rw-------", owner, true);
            files.stage(configDir.resolve("broker-ca.pem"), answer.brokerCaPem().getBytes(StandardCharsets.US_ASCII), "rw-r--r--",
                    StagedFiles.Owner.unchanged(), false);
            for (VerificationKey k : answer.receiverKeys()) {
                files.stage(configDir.resolve("receiver-" + k.keyId().version() + ".pem"), k.toPem().getBytes(StandardCharsets.US_ASCII),
                        "rw-r--r--", StagedFiles.Owner.unchanged(), false);
            }
            files.stage(configDir.resolve("mqtt-password"), (answer.mqttPassword() + "\n").getBytes(StandardCharsets.UTF_8),
                    "rw-r-----", owner, false);
            if (firstConfig.isPresent()) {
                files.stage(dataDir.resolve(DeviceAgent.ENROLLED_CONFIG_FILE), firstConfig.get().getBytes(StandardCharsets.US_ASCII),
                        "rw-r--r--", owner, true);
            }
            files.stage(paths.configFile(), properties(props, answer.deviceId()).getBytes(StandardCharsets.UTF_8), "rw-r-----", owner, false);
            if (retire.isPresent()) {
                retireOutbox(dataDir, retire.get());
            } else if (firstConfig.isEmpty()) {
                Files.deleteIfExists(dataDir.resolve(DeviceAgent.ENROLLED_CONFIG_FILE));
            }
            files.commit();
        } catch (IOException e) {
            throw new CliException(Exit.IO, "writing the device's files failed: " + e.getMessage() + ". The enrollment code is"
                    + " used up: fix the problem (disk full? read-only?) and run setup again with a new code.", e);
        }
        t.say("  Wrote " + paths.configFile() + ", " + keyFile + (tpm ? " (0600, where the TPM key is)" : " (0600)") + ", " + configDir.resolve("broker-ca.pem") + ", "
                + configDir.resolve("mqtt-password") + " and the receiver key(s)"
                + (owner.user().isEmpty() ? " (owned by the current user: no '" + serviceUser + "' user on this system)" : ""));
    }

    /** The agent writes its outbox here, so its user must own the folder, 0700 (the package makes it; setup does if it is missing). */
    private static void prepareDataDir(Path dataDir, StagedFiles.Owner owner) throws IOException {
        if (Files.isDirectory(dataDir)) {
            return;
        }
        Files.createDirectories(dataDir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        java.nio.file.attribute.PosixFileAttributeView view = Files.getFileAttributeView(dataDir,
                java.nio.file.attribute.PosixFileAttributeView.class);
        if (owner.user().isPresent()) {
            view.setOwner(owner.user().get());
        }
        if (owner.group().isPresent()) {
            view.setGroup(owner.group().get());
        }
    }

    private static void retireOutbox(Path dataDir, Path to) throws IOException {
        Files.createDirectories(to);
        for (String name : List.of("outbox.db", "outbox.db-wal", "outbox.db-shm", DeviceAgent.ENROLLED_CONFIG_FILE, "status.json")) {
            Path f = dataDir.resolve(name);
            if (Files.exists(f)) {
                Files.move(f, to.resolve(name));
            }
        }
    }

    private StagedFiles.Owner serviceOwner() {
        if (serviceUser == null || serviceUser.isEmpty()) {
            return StagedFiles.Owner.unchanged();
        }
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        try {
            UserPrincipal user = lookup.lookupPrincipalByName(serviceUser);
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(serviceUser);
            return new StagedFiles.Owner(Optional.of(user), Optional.of(group));
        } catch (UserPrincipalNotFoundException e) {
            return StagedFiles.Owner.unchanged();
        } catch (IOException e) {
            throw new CliException(Exit.IO, "cannot look up the user " + serviceUser + ": " + e.getMessage(), e);
        }
    }

    /** agent.properties as a technician would write it: sorted, one key a line, no escaping of ':' in URLs. */
    private static String properties(Map<String, String> props, String deviceId) {
        StringBuilder s = new StringBuilder();
        s.append("# Breathgate agent configuration for ").append(deviceId).append(", written by 'breathgate-agent setup'.\n");
        s.append("# Keys are described in docs/agent.md. Setup keeps keys it does not own (schedule, language, ...).\n");
        props.forEach((k, v) -> s.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        return s.toString();
    }
}
