package org.breathgate.testkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Mosquitto broker for tests: the Debian {@code mosquitto} binary run as a child process
 * on free loopback ports, with a generated configuration in a temporary folder.
 *
 * <pre>{@code
 * try (MosquittoBroker broker = MosquittoBroker.start()) {
 *     MqttClient client = new MqttClient(broker.uri(), "c1", new MemoryPersistence());
 * }
 * }</pre>
 *
 * <p>{@link #restart()} keeps the ports, so clients with automatic reconnect come back. If
 * {@code mosquitto} is not installed this fails with a message saying so: tests never skip
 * silently (CI installs the {@code mosquitto} package).
 */
public final class MosquittoBroker implements TestBroker {

    private static final Logger LOG = LoggerFactory.getLogger(MosquittoBroker.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /**
     * What to configure beyond a plain anonymous listener.
     *
     * @param users           user name to password; when not empty, anonymous clients are refused
     * @param acl             the text of an ACL file ({@code user}, {@code topic}, {@code pattern} lines), or {@code null} for none
     * @param tls             whether to add a TLS listener (certificates from {@link TestCertificates})
     * @param persistence     whether the broker keeps sessions and queued messages across {@link #restart()}
     * @param extraLines      further {@code mosquitto.conf} lines, written before the listeners
     * @param dynamicSecurity the dynamic security plugin's admin login, or {@code null} for no plugin; with it, anonymous
     *                        clients are refused and every other login is made through the plugin
     */
    public record Options(Map<String, String> users, String acl, boolean tls, boolean persistence, List<String> extraLines,
                          Login dynamicSecurity) {

        /** A user name and password. */
        public record Login(String username, String password) {
            public Login {
                Objects.requireNonNull(username, "username");
                Objects.requireNonNull(password, "password");
            }
        }

        public Options {
            users = Map.copyOf(users);
            extraLines = List.copyOf(extraLines);
        }

        public Options(Map<String, String> users, String acl, boolean tls, boolean persistence, List<String> extraLines) {
            this(users, acl, tls, persistence, extraLines, null);
        }

        /** One anonymous plain listener, no persistence. */
        public static Options plain() {
            return new Options(Map.of(), null, false, false, List.of(), null);
        }

        /** Adds a user; anonymous clients are then refused on every listener. */
        public Options withUser(String name, String password) {
            Map<String, String> more = new LinkedHashMap<>(users);
            more.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(password, "password"));
            return new Options(more, acl, tls, persistence, extraLines, dynamicSecurity);
        }

        /** Uses {@code aclText} as the ACL file; see {@code mosquitto.conf(5)}, {@code acl_file}. */
        public Options withAcl(String aclText) {
            return new Options(users, Objects.requireNonNull(aclText, "aclText"), tls, persistence, extraLines, dynamicSecurity);
        }

        /** Adds a TLS listener on a second port. */
        public Options withTls() {
            return new Options(users, acl, true, persistence, extraLines, dynamicSecurity);
        }

        /** Keeps persistent sessions and their queued QoS 1 messages across {@link #restart()}. */
        public Options withPersistence() {
            return new Options(users, acl, tls, true, extraLines, dynamicSecurity);
        }

        /** Adds a raw configuration line, e.g. {@code max_queued_messages 100000}. */
        public Options withConfigLine(String line) {
            List<String> more = new ArrayList<>(extraLines);
            more.add(Objects.requireNonNull(line, "line"));
            return new Options(users, acl, tls, persistence, more, dynamicSecurity);
        }

        /**
         * Loads Debian's dynamic security plugin ({@code mosquitto_dynamic_security.so}), initialised with
         * {@code mosquitto_ctrl dynsec init} and {@code admin} as its admin (who may send commands to
         * {@code $CONTROL/dynamic-security/v1}); anonymous clients are refused.
         */
        public Options withDynamicSecurity(String admin, String password) {
            return new Options(users, acl, tls, persistence, extraLines, new Login(admin, password));
        }
    }

    private final Path binary;
    private final Path dir;
    private final Options options;
    private final TestCertificates certificates;
    private final Thread shutdownHook;
    private int port;
    private int tlsPort;
    private Process process;

    private MosquittoBroker(Path binary, Path dir, Options options, TestCertificates certificates) {
        this.binary = binary;
        this.dir = dir;
        this.options = options;
        this.certificates = certificates;
        // A child process outlives the JVM unless stopped: stop it even when a test forgets to.
        this.shutdownHook = new Thread(this::destroyProcess, "mosquitto-test-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a broker with one anonymous plain listener. */
    public static MosquittoBroker start() {
        return start(Options.plain());
    }

    /** Starts a broker configured by {@code options}. */
    public static MosquittoBroker start(Options options) {
        Path binary = findBinary();
        Path dir;
        try {
            dir = Files.createTempDirectory("breathgate-mosquitto-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for mosquitto", e);
        }
        TestCertificates certificates = options.tls() ? TestCertificates.create(dir.resolve("certs")) : null;
        MosquittoBroker broker = new MosquittoBroker(binary, dir, options, certificates);
        try {
            broker.writeFiles();
            broker.startOnFreePorts();
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** {@code tcp://127.0.0.1:PORT}, the plain listener. */
    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** {@code ssl://127.0.0.1:PORT}, the TLS listener; only with {@link Options#withTls()}. */
    public String tlsUri() {
        if (certificates == null) {
            throw new IllegalStateException("this broker has no TLS listener: start it with Options.withTls()");
        }
        return "ssl://127.0.0.1:" + tlsPort;
    }

    /** The plain listener's port. */
    public int port() {
        return port;
    }

    /** The certificates of the TLS listener; only with {@link Options#withTls()}. */
    public TestCertificates certificates() {
        if (certificates == null) {
            throw new IllegalStateException("this broker has no TLS listener: start it with Options.withTls()");
        }
        return certificates;
    }

    /** Whether the broker process is running. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The broker's log so far, for assertion messages. */
    public String log() {
        try {
            Path log = dir.resolve("mosquitto.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 10 s). Persistent state is saved if configured. */
    public synchronized void stop() {
        destroyProcess();
    }

    /** Stops and starts the broker again on the same ports. */
    public synchronized void restart() {
        stop();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            String failure = launch();
            if (failure == null) {
                return;
            }
            // The old socket can linger for a moment; retry while the port is still taken.
            if (!failure.contains("Address already in use") || System.nanoTime() > deadline) {
                throw new IllegalStateException("mosquitto did not restart on port " + port + ": " + failure);
            }
            Ports.sleep(100);
        }
    }

    /** Stops the broker and deletes its folder. */
    @Override
    public synchronized void close() {
        destroyProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook stops the process
        }
        deleteRecursively(dir);
    }

    private void startOnFreePorts() {
        String failure = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            port = Ports.free();
            tlsPort = certificates == null ? 0 : Ports.free();
            writeConfig();
            failure = launch();
            if (failure == null) {
                return;
            }
            if (!failure.contains("Address already in use")) {
                break;
            }
        }
        throw new IllegalStateException("mosquitto did not start: " + failure);
    }

    /** Starts the process and waits for its listeners; returns null on success, else why not. */
    private String launch() {
        Path log = dir.resolve("mosquitto.log");
        try {
            process = new ProcessBuilder(binary.toString(), "-c", dir.resolve("mosquitto.conf").toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            return "cannot run " + binary + ": " + e.getMessage();
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return "mosquitto exited with code " + process.exitValue() + "; its log:\n" + log();
            }
            if (Ports.accepts(port) && (tlsPort == 0 || Ports.accepts(tlsPort))) {
                LOG.debug("mosquitto listening on {}", uri());
                return null;
            }
            Ports.sleep(20);
        }
        destroyProcess();
        return "mosquitto did not accept connections on port " + port + " within " + START_TIMEOUT.toSeconds()
                + " s; its log:\n" + log();
    }

    private void destroyProcess() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    private void writeFiles() {
        try {
            if (!options.users().isEmpty()) {
                Path passwords = dir.resolve("passwords");
                Path tool = binary.resolveSibling("mosquitto_passwd");
                if (!Files.isExecutable(tool)) {
                    tool = Path.of("/usr/bin/mosquitto_passwd");
                }
                // user:password lines in clear, hashed in place by one run of the tool (-U): a thousand users in one process
                StringBuilder clear = new StringBuilder();
                for (Map.Entry<String, String> user : options.users().entrySet()) {
                    if (user.getKey().contains(":") || user.getValue().contains("\n") || user.getKey().contains("\n")) {
                        throw new IllegalArgumentException("a test user name may not hold ':' or a line break: " + user.getKey());
                    }
                    clear.append(user.getKey()).append(':').append(user.getValue()).append('\n');
                }
                Files.writeString(passwords, clear);
                run(List.of(tool.toString(), "-U", passwords.toString()));
            }
            if (options.acl() != null) {
                Files.writeString(dir.resolve("acl"), options.acl());
            }
            if (options.dynamicSecurity() != null) {
                Path tool = binary.resolveSibling("mosquitto_ctrl");
                if (!Files.isExecutable(tool)) {
                    tool = Path.of("/usr/bin/mosquitto_ctrl");
                }
                run(List.of(tool.toString(), "dynsec", "init", dir.resolve("dynamic-security.json").toString(),
                        options.dynamicSecurity().username(), options.dynamicSecurity().password()));
            }
            if (options.persistence()) {
                Files.createDirectories(dir.resolve("data"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write mosquitto files in " + dir, e);
        }
    }

    private void writeConfig() {
        List<String> lines = new ArrayList<>();
        // Running as root, mosquitto would switch to the 'mosquitto' user and lose access to this folder.
        lines.add("user " + System.getProperty("user.name"));
        lines.add("per_listener_settings false");
        lines.add("allow_anonymous " + (options.users().isEmpty() && options.dynamicSecurity() == null));
        if (options.dynamicSecurity() != null) {
            lines.add("plugin " + dynamicSecurityPlugin());
            lines.add("plugin_opt_config_file " + dir.resolve("dynamic-security.json"));
        }
        if (!options.users().isEmpty()) {
            lines.add("password_file " + dir.resolve("passwords"));
        }
        if (options.acl() != null) {
            lines.add("acl_file " + dir.resolve("acl"));
        }
        lines.add("persistence " + options.persistence());
        if (options.persistence()) {
            lines.add("persistence_location " + dir.resolve("data") + "/");
            lines.add("autosave_interval 1");
        }
        lines.add("log_dest stdout");
        lines.add("log_type error");
        lines.add("log_type warning");
        lines.add("log_type notice");
        lines.add("log_type information");
        lines.addAll(options.extraLines());
        lines.add("listener " + port + " 127.0.0.1");
        if (certificates != null) {
            lines.add("listener " + tlsPort + " 127.0.0.1");
            lines.add("cafile " + certificates.caCertificate());
            lines.add("certfile " + certificates.serverCertificate());
            lines.add("keyfile " + certificates.serverKey());
        }
        try {
            Files.write(dir.resolve("mosquitto.conf"), lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write mosquitto.conf in " + dir, e);
        }
    }

    private void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    /** Debian's dynamic security plugin (the {@code mosquitto} package ships it). */
    static Path dynamicSecurityPlugin() {
        List<Path> candidates = List.of(Path.of("/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so"),
                Path.of("/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so"), Path.of("/usr/lib/mosquitto_dynamic_security.so"),
                Path.of("/usr/local/lib/mosquitto_dynamic_security.so"));
        return candidates.stream().filter(Files::isReadable).findFirst().orElseThrow(() -> new IllegalStateException(
                "Mosquitto's dynamic security plugin (mosquitto_dynamic_security.so) is not installed: Debian's mosquitto"
                        + " package ships it in /usr/lib/<arch>/"));
    }

    private static Path findBinary() {
        String override = System.getenv("MOSQUITTO");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/sbin/mosquitto"), Path.of("/usr/local/sbin/mosquitto")));
        for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                candidates.add(Path.of(entry, "mosquitto"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
                "mosquitto is not installed: the MQTT tests need the real broker. Install it with "
                        + "'apt-get install mosquitto' (CI's .ci/run does), or point the MOSQUITTO environment variable at the binary."));
    }

    static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.warn("could not delete {}: {}", path, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", root, e.getMessage());
        }
    }
}
