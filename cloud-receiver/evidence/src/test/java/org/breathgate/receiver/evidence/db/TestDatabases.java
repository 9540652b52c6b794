package org.breathgate.receiver.evidence.db;

import org.breathgate.testkit.PostgresServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Fresh databases of either dialect for one test class: SQLite files in a temporary folder, and
 * databases on one PostgreSQL server started when first needed. Close it after the class.
 */
public final class TestDatabases implements AutoCloseable {

    private final Path dir;
    private final AtomicInteger files = new AtomicInteger();
    private PostgresServer postgres;

    public TestDatabases() {
        try {
            dir = Files.createTempDirectory("breathgate-receiver-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JDBC URL of a new, empty database. */
    public synchronized String newUrl(Database.Dialect dialect) {
        if (dialect == Database.Dialect.SQLITE) {
            return "jdbc:sqlite:" + dir.resolve("db-" + files.incrementAndGet() + ".db");
        }
        if (postgres == null) {
            postgres = PostgresServer.start();
        }
        return postgres.createDatabase();
    }

    /** A new, empty, migrated database. */
    public Database open(Database.Dialect dialect) {
        return Database.open(newUrl(dialect));
    }

    /** A temporary folder for the test's own files. */
    public Path newFolder() {
        try {
            return Files.createTempDirectory(dir, "f");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (postgres != null) {
            postgres.close();
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
