package org.breathgate.testkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server for tests, from the Debian server binaries
 * ({@code /usr/lib/postgresql/<version>/bin}, or the folder in the {@code PG_BIN} environment
 * variable): {@code initdb} into a temporary folder, started with {@code pg_ctl} on a free loopback
 * port, trust authentication for user {@code postgres}.
 *
 * <p>PostgreSQL refuses to run as root; when the tests run as root (as CI does), the server runs
 * as the unprivileged user {@code nobody} through {@code runuser}. Give each test its own database
 * with {@link #createDatabase()}.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final Pattern VERSION_DIR = Pattern.compile("\\d+");
    private static final String RUN_AS = "nobody";

    private final Path bin;
    private final Path dir;
    private final boolean asRoot;
    private final Thread shutdownHook;
    private final AtomicInteger databases = new AtomicInteger();
    private int port;

    private PostgresServer(Path bin, Path dir, boolean asRoot) {
        this.bin = bin;
        this.dir = dir;
        this.asRoot = asRoot;
        this.shutdownHook = new Thread(this::stopQuietly, "postgres-test-server-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a server tuned for tests: {@code fsync} off, so data does not survive a machine crash
     * (nothing here needs it to, and tests run several times faster).
     */
    public static PostgresServer start() {
        return start(false);
    }

    /**
     * Starts a server; with {@code durable}, {@code fsync} and {@code synchronous_commit} stay on
     * as in production, for benchmarks that compare with SQLite's {@code synchronous=FULL}.
     */
    public static PostgresServer start(boolean durable) {
        Path bin = findBin();
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        Path dir;
        try {
            dir = Files.createTempDirectory("breathgate-postgres-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for PostgreSQL", e);
        }
        PostgresServer server = new PostgresServer(bin, dir, asRoot);
        try {
            server.init();
            server.launch(durable);
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The port the server listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** JDBC URL of the {@code postgres} database as user {@code postgres}. */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    /** JDBC URL of {@code database} as user {@code postgres}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    /** Creates a new empty database and returns its JDBC URL. */
    public String createDatabase() {
        String name = "test_" + databases.incrementAndGet();
        run(command(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres", name),
                "createdb " + name);
        return jdbcUrl(name);
    }

    /** Stops the server ({@code pg_ctl stop -m fast}) and deletes its folder. */
    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook stops the server
        }
        MosquittoBroker.deleteRecursively(dir);
    }

    private void init() {
        try {
            if (asRoot) {
                UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(dir, users.lookupPrincipalByName(RUN_AS));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot give " + dir + " to user " + RUN_AS + " for PostgreSQL", e);
        }
        run(command(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
                "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"), "initdb");
    }

    private void launch(boolean durable) {
        String failure = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            port = Ports.free();
            String options = "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=200"
                    + (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
            try {
                run(command(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                        dir.resolve("postgres.log").toString(), "-w", "-t", "60", "-o", options, "start"), "pg_ctl start");
                LOG.debug("PostgreSQL listening on 127.0.0.1:{}", port);
                return;
            } catch (IllegalStateException e) {
                failure = e.getMessage() + "\n" + log();
                if (!failure.contains("already in use")) {
                    break;
                }
            }
        }
        throw new IllegalStateException("PostgreSQL did not start: " + failure);
    }

    private void stopQuietly() {
        if (port == 0 || !Files.exists(dir.resolve("data/postmaster.pid"))) {
            return;
        }
        try {
            run(command(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w",
                    "-t", "30", "stop"), "pg_ctl stop");
        } catch (IllegalStateException e) {
            LOG.warn("PostgreSQL test server in {} did not stop cleanly: {}", dir, e.getMessage());
        }
    }

    private String log() {
        try {
            Path log = dir.resolve("postgres.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        if (asRoot) {
            command.addAll(List.of("runuser", "-u", RUN_AS, "--"));
        }
        command.addAll(List.of(args));
        return command;
    }

    private void run(List<String> command, String what) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            // Read output on this thread: the commands print little, and end on their own.
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(what + " took more than 90 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(what + " failed with exit code " + p.exitValue() + ": " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + what, e);
        }
    }

    private static Path findBin() {
        String override = System.getenv("PG_BIN");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                var newest = versions
                        .filter(p -> VERSION_DIR.matcher(p.getFileName().toString()).matches())
                        .filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())));
                if (newest.isPresent()) {
                    return newest.get().resolve("bin");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + root, e);
            }
        }
        throw new IllegalStateException("PostgreSQL server binaries are not installed: the PostgreSQL tests need initdb and "
                + "pg_ctl. Install them with 'apt-get install postgresql' (CI's .ci/run does), or point PG_BIN at their folder.");
    }
}
