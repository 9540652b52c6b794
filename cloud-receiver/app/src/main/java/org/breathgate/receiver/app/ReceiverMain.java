package org.breathgate.receiver.app;

import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.receiver.care.gate.AnchorFile;
import org.breathgate.receiver.app.config.ConfigException;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.evidence.device.BrokerLogins;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.ingest.broker.BrokerAccounts;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.store.SeqRange;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.ingest.deviceapi.AdminToken;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code breathgate-receiver}: runs the cloud receiver until SIGTERM or Ctrl-C; subcommands enroll
 * and revoke devices, show gaps, verify the care audit log, and administer people, webhooks and alert deliveries
 * ({@link PeopleCommand}, {@link WebhooksCommand}, {@link DeliveriesCommand}). Exit codes: 0 done, 1 failed, 2 bad configuration or usage.
 */
@Command(name = "breathgate-receiver", mixinStandardHelpOptions = true, version = "breathgate-receiver 0.1.0",
        description = "Receives signed breathalyser evidence over MQTT, verifies it, stores it and acks it.",
        subcommands = {ReceiverMain.Enroll.class, ReceiverMain.Revoke.class, ReceiverMain.BrokerLogin.class, ReceiverMain.Gaps.class,
                ReceiverMain.AuditVerify.class, AdminTokenCommand.class, TpmCheckCommand.class, BackupCommands.Backup.class, BackupCommands.Restore.class, PeopleCommand.class, WebhooksCommand.class, DeliveriesCommand.class})
public final class ReceiverMain implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file; flags override it (keys: docs/receiver.md).")
    Path configFile;
    @Option(names = "--broker-uri", paramLabel = "URI", description = "External broker, tcp:// or ssl://. Absent: embedded broker.")
    String brokerUri;
    @Option(names = "--embedded-bind", paramLabel = "ADDRESS", description = "Embedded broker's plain listener, loopback only (default 127.0.0.1).")
    String embeddedBind;
    @Option(names = "--embedded-port", paramLabel = "PORT", description = "Embedded broker port (default 1883).")
    String embeddedPort;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data folder (default ./data).")
    String dataDir;
    @Option(names = "--jdbc-url", paramLabel = "URL", description = "Database (default jdbc:sqlite:<data-dir>/breathgate.db).")
    String jdbcUrl;
    @Option(names = "--receiver-key", paramLabel = "FILE", description = "Receiver signing key (default <data-dir>/receiver-key.pem; made if absent).")
    String receiverKey;
    @Option(names = "--receiver-key-version", paramLabel = "N", description = "Version N of the key's kid receiver:N (default 1).")
    String receiverKeyVersion;
    @Option(names = "--mqtt-client-id", paramLabel = "ID", description = "MQTT client id, unique per instance (default breathgate-receiver-<host>).")
    String mqttClientId;
    @Option(names = "--mqtt-username", paramLabel = "USER", description = "MQTT user name.")
    String mqttUsername;
    @Option(names = "--mqtt-password-file", paramLabel = "FILE", description = "File holding the MQTT password.")
    String mqttPasswordFile;
    @Option(names = "--mqtt-ca-file", paramLabel = "FILE", description = "PEM CA certificate of an ssl:// broker.")
    String mqttCaFile;

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new ReceiverMain());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                cmd.getErr().println("breathgate-receiver: " + e.getMessage());
                return e instanceof ConfigException ? 2 : 1;
            }
            throw e;
        });
        System.exit(commandLine.execute(args));
    }

    /** The configuration from the file and flags. */
    ReceiverConfig config() {
        Map<String, String> flags = new HashMap<>();
        flags.put(ReceiverConfig.BROKER_URI, brokerUri);
        flags.put(ReceiverConfig.EMBEDDED_BIND, embeddedBind);
        flags.put(ReceiverConfig.EMBEDDED_PORT, embeddedPort);
        flags.put(ReceiverConfig.DATA_DIR, dataDir);
        flags.put(ReceiverConfig.JDBC_URL, jdbcUrl);
        flags.put(ReceiverConfig.RECEIVER_KEY_FILE, receiverKey);
        flags.put(ReceiverConfig.RECEIVER_KEY_VERSION, receiverKeyVersion);
        flags.put(ReceiverConfig.MQTT_CLIENT_ID, mqttClientId);
        flags.put(ReceiverConfig.MQTT_USERNAME, mqttUsername);
        flags.put(ReceiverConfig.MQTT_PASSWORD_FILE, mqttPasswordFile);
        flags.put(ReceiverConfig.MQTT_CA_FILE, mqttCaFile);
        return ReceiverConfig.load(configFile, flags);
    }

    @Override
    public Integer call() throws InterruptedException {
        ReceiverConfig config = config();
        CountDownLatch stopped = new CountDownLatch(1);
        Receiver receiver = Receiver.start(config, Clock.systemUTC(), List.of());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            receiver.close();
            stopped.countDown();
        }, "receiver-shutdown"));
        // A summary for the person who started it, on standard output; the log (standard error) stays one event per line, and
        // JSON lines when the package's log format is json (docs/operations.md, "Logs").
        System.out.println("breathgate-receiver running; broker " + receiver.brokerUri() + ". Stop with Ctrl-C or SIGTERM.");
        if (receiver.web().isPresent()) {
            System.out.println("HTTPS for people (web pages, API) at " + receiver.webUrl().orElseThrow() + ", listening on "
                    + config.web().host() + ":" + receiver.web().get().port());
            System.out.println("  certificate fingerprint " + receiver.web().get().identity().fingerprint());
        } else {
            System.out.println("HTTPS for people (web pages, API) is off: web.enabled=false.");
        }
        if (receiver.deviceApi().isPresent()) {
            System.out.println("HTTPS for devices (enrollment, key rotation, deprovisioning) at " + receiver.deviceApiUrl().orElseThrow()
                    + ", listening on " + config.deviceApi().host() + ":" + receiver.deviceApi().get().port());
            System.out.println("  certificate fingerprint " + receiver.deviceApi().get().identity().fingerprint()
                    + " (devices pin it: it goes into every enrollment line)");
            adminTokenNotice(receiver.adminToken().orElseThrow());
        } else {
            System.out.println("HTTPS for devices is off: device-api.enabled=false.");
        }
        if (receiver.health().isPresent()) {
            System.out.println("Health checks and metrics (plain HTTP) at http://" + config.health().host() + ":" + receiver.health().get().port()
                    + "/health/ready and /metrics");
        }
        stopped.await();
        return 0;
    }

    /**
     * Until an administrator account exists, the code endpoint needs the admin token: on a first start from a terminal it is
     * made and shown here, once (not logged: a terminal is not the journal); a service (no terminal) says how to make one.
     */
    private static void adminTokenNotice(AdminToken token) {
        switch (token.state()) {
            case RETIRED -> System.out.println("  enrollment codes: made by administrators and technicians signed in (the admin token is retired)");
            case ACTIVE -> System.out.println("  admin token: made earlier and shown then (only its hash is kept); a new one: breathgate-receiver admin-token");
            case NONE -> {
                if (System.console() != null) {
                    System.console().printf("  admin token (shown only now; only its hash is kept): %s%n", token.issue(java.time.Instant.now()));
                } else {
                    System.out.println("  no admin token yet: make one (shown once) with 'breathgate-receiver admin-token', or add an"
                            + " administrator account (breathgate-receiver people add-user --role administrator)");
                }
            }
        }
    }

    /**
     * {@code enroll KID PUBLIC_KEY_PEM}: enrolls a device key; a device without a broker login gets one, printed once
     * ({@code broker login: user <id> password <password>}) and told to the broker.
     */
    @Command(name = "enroll", mixinStandardHelpOptions = true, description = "Enroll a device's public key (PEM or JWK file); "
            + "prints the broker login made for a new device.")
    static final class Enroll implements Callable<Integer> {
        @CommandLine.ParentCommand
        ReceiverMain parent;
        @Parameters(index = "0", paramLabel = "KID", description = "The key's kid, e.g. home-0001:1.")
        String kid;
        @Parameters(index = "1", paramLabel = "FILE", description = "The public key: PEM (PUBLIC KEY) or JWK.")
        Path keyFile;

        @Override
        public Integer call() throws Exception {
            KeyId keyId = KeyId.parse(kid);
            String text = Files.readString(keyFile, StandardCharsets.US_ASCII).trim();
            VerificationKey key = text.startsWith("{") ? VerificationKey.fromJwk(keyId, text) : VerificationKey.fromPem(keyId, text);
            ReceiverConfig config = parent.config();
            BrokerLogins.Issued login = null;
            java.util.Optional<java.time.Instant> existing;
            try (Database database = Database.open(config.database().jdbcUrl())) {
                new DeviceRegistry(database, Clock.systemUTC()).enroll(key);
                BrokerLogins logins = new BrokerLogins(database, Clock.systemUTC(), new SecureRandom());
                existing = logins.issuedAt(keyId.owner());
                if (existing.isEmpty()) {
                    login = logins.issue(keyId.owner(), CliActor.name());
                }
            }
            System.out.println("enrolled " + keyId + " (sha256 " + key.fingerprint() + ")");
            if (login == null) {
                System.out.println("broker login: " + keyId.owner() + " keeps the login made " + existing.get()
                        + " (breathgate-receiver broker-login " + keyId.owner() + " makes a new one)");
                return 0;
            }
            return tellBroker(config, login);
        }
    }

    /** {@code revoke DEVICE} or {@code revoke KID}: revokes a device or one key version. */
    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a device (DEVICE) or one key version (DEVICE:N).")
    static final class Revoke implements Callable<Integer> {
        @CommandLine.ParentCommand
        ReceiverMain parent;
        @Parameters(index = "0", paramLabel = "DEVICE[:N]")
        String target;

        @Override
        public Integer call() {
            ReceiverConfig config = parent.config();
            try (Database database = Database.open(config.database().jdbcUrl())) {
                DeviceRegistry registry = new DeviceRegistry(database, Clock.systemUTC());
                if (target.contains(":")) {
                    registry.revokeKey(KeyId.parse(target));
                } else {
                    registry.revokeDevice(target);
                }
            }
            System.out.println("revoked " + target);
            if (!target.contains(":")) {
                // The embedded broker reads the revocation from the registry and disconnects the device within a second.
                try {
                    BrokerSetup.accountsForCommand(config).loginRemoved(target);
                } catch (BrokerAccounts.BrokerAccountsException e) {
                    System.err.println("breathgate-receiver: the broker could not be told (" + e.getMessage() + "); the running receiver"
                            + " removes the login at its next start");
                    return 1;
                }
                System.out.println("broker login of " + target + " removed");
            }
            return 0;
        }
    }

    /** {@code broker-login DEVICE}: makes a new broker login for an active device, tells the broker, and prints it once. */
    @Command(name = "broker-login", mixinStandardHelpOptions = true,
            description = "Make a new broker login for a device (the old password stops working) and print it.")
    static final class BrokerLogin implements Callable<Integer> {
        @CommandLine.ParentCommand
        ReceiverMain parent;
        @Parameters(index = "0", paramLabel = "DEVICE")
        String deviceId;

        @Override
        public Integer call() {
            ReceiverConfig config = parent.config();
            BrokerLogins.Issued login;
            try (Database database = Database.open(config.database().jdbcUrl())) {
                login = new BrokerLogins(database, Clock.systemUTC(), new SecureRandom()).issue(deviceId, CliActor.name());
            }
            return tellBroker(config, login);
        }
    }

    /** Tells the broker of a new login and prints it: {@code broker login: user <id> password <password>}. */
    static int tellBroker(ReceiverConfig config, BrokerLogins.Issued login) {
        System.out.println("broker login: user " + login.username() + " password " + login.password());
        System.out.println("  (shown once; on the device: mqtt.username = " + login.username()
                + ", and the password as the first line of mqtt.password.file)");
        try {
            BrokerSetup.accountsForCommand(config).loginIssued(login.deviceId(), login.password());
        } catch (BrokerAccounts.BrokerAccountsException e) {
            System.err.println("breathgate-receiver: the login is made, but the broker could not be told: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    /** {@code gaps DEVICE}: prints the sequence numbers that have not arrived. */
    @Command(name = "gaps", mixinStandardHelpOptions = true, description = "Show a device's missing sequence numbers.")
    static final class Gaps implements Callable<Integer> {
        @CommandLine.ParentCommand
        ReceiverMain parent;
        @Parameters(index = "0", paramLabel = "DEVICE")
        String deviceId;

        @Override
        public Integer call() {
            try (Database database = Database.open(parent.config().database().jdbcUrl())) {
                List<SeqRange> gaps = new EvidenceReader(database).gaps(deviceId);
                System.out.println(gaps.isEmpty() ? deviceId + ": no gaps" : deviceId + ": missing " + gaps);
            }
            return 0;
        }
    }

    /**
     * {@code audit-verify}: verifies the care audit log's hash chain in the configured database against the anchors in
     * {@code <data-dir>/audit-anchors.txt}; prints {@code OK ...} and exits 0, or {@code BROKEN at entry N ...} and exits 1
     * (2: the database cannot be read).
     */
    @Command(name = "audit-verify", mixinStandardHelpOptions = true,
            description = "Verify the care audit log's hash chain and anchors; exit 0 when intact, 1 when broken.")
    static final class AuditVerify implements Callable<Integer> {
        @CommandLine.ParentCommand
        ReceiverMain parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ReceiverConfig config = parent.config();
            String anchors = AnchorFile.in(config.dataDir()).path().toString();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            return AuditVerifyMain.run(new String[] {"--jdbc-url", config.database().jdbcUrl(), "--anchors", anchors}, out, err);
        }
    }
}
