package org.breathgate.receiver.evidence.db;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The receiver's database: SQLite (the embedded default) or PostgreSQL, chosen by the JDBC URL.
 * Opening it runs the versioned Flyway migrations of its dialect
 * ({@code db/migration/sqlite} or {@code db/migration/postgresql}).
 *
 * <p>Writes go through one writer connection, one transaction at a time ({@link #inTransaction}):
 * SQLite allows one writer anyway, and ingest batches many messages per transaction, so a pool
 * would add contention, not throughput (measured: see {@code docs/benchmarks.md}). Reads use a
 * second connection ({@link #read}), which in SQLite's WAL mode never blocks the writer. SQLite
 * runs with {@code journal_mode=WAL} and {@code synchronous=FULL}: a commit is on disk when it
 * returns. A broken connection (e.g. PostgreSQL restarted) is reopened on the next use.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /** The SQL dialects the receiver supports. */
    public enum Dialect { SQLITE, POSTGRESQL }

    /** Work on a connection that may throw {@link SQLException}. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private final String url;
    private final Dialect dialect;
    private final Slot writer;
    private final Slot reader;
    /** The newest schema version this receiver's migrations make, known once {@link #migrate} ran. */
    private volatile String expectedSchemaVersion = "";

    private Database(String url, Dialect dialect) {
        this.url = url;
        this.dialect = dialect;
        this.writer = new Slot("writer");
        this.reader = new Slot("reader");
    }

    /**
     * Opens the database at {@code jdbcUrl} ({@code jdbc:sqlite:...} or {@code jdbc:postgresql:...})
     * and migrates its schema to the newest version.
     *
     * @throws StoreException if the URL names another database, or it cannot be opened or migrated
     */
    public static Database open(String jdbcUrl) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Dialect dialect;
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            dialect = Dialect.SQLITE;
            createParentFolder(jdbcUrl);
        } else if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            dialect = Dialect.POSTGRESQL;
        } else {
            throw new StoreException("unsupported JDBC URL '" + redact(jdbcUrl)
                    + "': use jdbc:sqlite:/path/to/breathgate.db or jdbc:postgresql://host:5432/breathgate");
        }
        Database database = new Database(jdbcUrl, dialect);
        database.migrate();
        return database;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Runs {@code work} in one transaction on the writer connection; commits, or rolls back on failure. */
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        return writer.use(connection -> {
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            }
        });
    }

    /** Runs {@code work} on the reader connection (autocommit). */
    public <T> T read(SqlWork<T> work) throws SQLException {
        return reader.use(work);
    }

    @Override
    public void close() {
        writer.close();
        reader.close();
    }

    /**
     * What a readiness check and a restore need to know: whether the database answers now, on a connection of its own (a
     * long read on the shared ones cannot hold the check up), and its schema version beside the newest this receiver's
     * migrations make.
     *
     * @param reachable     whether a connection opened and answered
     * @param schemaVersion the version of the newest migration applied to it ("" when none or unreachable)
     * @param expected      the newest version this receiver knows
     * @param problem       why it is not reachable, or {@code null}
     */
    public record Probe(boolean reachable, String schemaVersion, String expected, String problem) {
        /** Reachable and migrated to exactly the version this receiver knows. */
        public boolean migrated() {
            return reachable && !expected.isEmpty() && expected.equals(schemaVersion);
        }
    }

    /** Connects afresh, asks the schema version, and says what it found; never throws. */
    public Probe probe() {
        try (Connection c = DriverManager.getConnection(url);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select version from flyway_schema_history where success and version is not null"
                     + " order by installed_rank desc")) {
            String version = "";
            org.flywaydb.core.api.MigrationVersion newest = null;
            while (rs.next()) {
                org.flywaydb.core.api.MigrationVersion v = org.flywaydb.core.api.MigrationVersion.fromVersion(rs.getString(1));
                if (newest == null || v.compareTo(newest) > 0) {
                    newest = v;
                    version = rs.getString(1);
                }
            }
            return new Probe(true, version, expectedSchemaVersion, null);
        } catch (SQLException | RuntimeException e) {
            return new Probe(false, "", expectedSchemaVersion, redact(String.valueOf(e.getMessage())));
        }
    }

    /** The newest schema version this receiver's migrations make. */
    public String expectedSchemaVersion() {
        return expectedSchemaVersion;
    }

    private void migrate() {
        String location = "classpath:db/migration/" + (dialect == Dialect.SQLITE ? "sqlite" : "postgresql");
        try {
            Flyway flyway = Flyway.configure(Database.class.getClassLoader())
                    .dataSource(url, null, null)
                    .locations(location)
                    .load();
            flyway.migrate();
            var current = flyway.info().current();
            expectedSchemaVersion = current == null || current.getVersion() == null ? "" : current.getVersion().getVersion();
        } catch (RuntimeException e) {
            throw new StoreException("could not migrate the database at " + redact(url) + ": " + e.getMessage(), e);
        }
    }

    private Connection connect(boolean forWriting) throws SQLException {
        Connection connection = DriverManager.getConnection(url);
        try (Statement s = connection.createStatement()) {
            if (dialect == Dialect.SQLITE) {
                s.execute("pragma journal_mode=WAL");
                s.execute("pragma synchronous=FULL");
                s.execute("pragma busy_timeout=10000");
                s.execute("pragma foreign_keys=ON");
            }
        }
        connection.setAutoCommit(!forWriting);
        return connection;
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
            // The database ended the transaction itself (SQLite does on SQLITE_FULL and some I/O errors) and the
            // driver is out of step with it: every later statement would autocommit and every commit fail ("no
            // transaction is active"). Close it; the slot sees it closed and opens a fresh one on next use.
            // Shown by FaultsIT.receiver_disk_full_acks_nothing_it_could_not_store_says_so_and_recovers_when_space_returns.
            try {
                connection.close();
            } catch (SQLException closing) {
                cause.addSuppressed(closing);
            }
        }
    }

    private static void createParentFolder(String url) {
        String path = url.substring("jdbc:sqlite:".length());
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (path.isEmpty() || path.equals(":memory:") || path.startsWith("file:")) {
            return;
        }
        Path parent = Path.of(path).toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
            // 0600 whatever the umask, made before SQLite opens it: SQLite gives its -wal and -shm files the database's mode.
            if (!Files.exists(Path.of(path)) && parent.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(Path.of(path), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the database folder " + parent, e);
        }
    }

    /** The URL without a password, for messages. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    /** One connection, used by one thread at a time, reopened when broken. */
    private final class Slot {
        private final String name;
        private final ReentrantLock lock = new ReentrantLock();
        private Connection connection;

        Slot(String name) {
            this.name = name;
        }

        <T> T use(SqlWork<T> work) throws SQLException {
            lock.lock();
            try {
                if (connection == null) {
                    connection = connect(name.equals("writer"));
                }
                try {
                    return work.run(connection);
                } catch (SQLException e) {
                    dropIfBroken(e);
                    throw e;
                }
            } finally {
                lock.unlock();
            }
        }

        private void dropIfBroken(SQLException cause) {
            boolean valid;
            try {
                valid = connection.isValid(2);
            } catch (SQLException e) {
                valid = false;
            }
            if (!valid) {
                LOG.warn("the {} connection to {} broke ({}); reconnecting on next use", name, redact(url), cause.getMessage());
                closeConnection();
            }
        }

        void close() {
            lock.lock();
            try {
                closeConnection();
            } finally {
                lock.unlock();
            }
        }

        private void closeConnection() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    LOG.debug("closing the {} connection failed: {}", name, e.getMessage());
                }
                connection = null;
            }
        }
    }
}
