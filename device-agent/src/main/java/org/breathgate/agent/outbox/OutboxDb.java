package org.breathgate.agent.outbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox's SQLite file and its one connection (WAL, {@code synchronous=FULL}: a commit is on
 * disk before it returns), shared by {@link Outbox}, {@link PhotoStore} and {@link AgentState} so
 * that a reading, its sequence number, its photo and the schedule's state go to disk in one
 * transaction. Auto-commit is off: every operation ends in {@link #commit} or {@link #rollback}.
 * Callers hold this object's lock for the whole of an operation.
 */
final class OutboxDb implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxDb.class);

    final Path file;
    final Connection connection;
    // Prepared once: the meta upsert runs in most write transactions.
    private final PreparedStatement upsertMeta;

    /** SQLite's page cache for the outbox, in KiB (docs/benchmarks.md, "Memory"). */
    static final int CACHE_KIB = 256;

    private OutboxDb(Path file, Connection connection) throws SQLException {
        this.file = file;
        this.connection = connection;
        connection.setAutoCommit(false);
        this.upsertMeta = connection.prepareStatement(
                "INSERT INTO meta(k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v");
    }

    /** Opens (creating if needed) the file and its tables. */
    static OutboxDb open(Path file) {
        Connection db = null;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            db = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                // FULL: a commit is on disk (WAL fsynced) before append returns; power may go any time.
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=5000");
                // Pages cached in the process at most, in KiB: SQLite's default of 2 MiB filled during a drain and stayed
                // resident, against the agent's 64 MiB aim; the file's pages stay in the kernel's page cache anyway.
                s.execute("PRAGMA cache_size=-" + CACHE_KIB);
                s.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, type TEXT NOT NULL,"
                        + " compact TEXT NOT NULL, stored_at INTEGER NOT NULL)");
                // Events the device key could not sign when they happened (a TPM that did not answer): their exact
                // payload, durable, until the key signs them and they move to the outbox (Outbox.signedLate).
                s.execute("CREATE TABLE IF NOT EXISTS awaiting_signature (seq INTEGER PRIMARY KEY, type TEXT NOT NULL,"
                        + " payload TEXT NOT NULL, stored_at INTEGER NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS dead_letter (seq INTEGER PRIMARY KEY, type TEXT NOT NULL,"
                        + " compact TEXT NOT NULL, reason TEXT NOT NULL, moved_at INTEGER NOT NULL)");
                // A reading's photo, stored in the reading's own transaction; next_chunk: how far sending got.
                s.execute("CREATE TABLE IF NOT EXISTS photo_outbox (seq INTEGER PRIMARY KEY, sha256 TEXT NOT NULL,"
                        + " jpeg BLOB NOT NULL, next_chunk INTEGER NOT NULL DEFAULT 0, stored_at INTEGER NOT NULL)");
                // The parent's support requests and the service's word on each (SupportStore): kept after the
                // request leaves the outbox, so that a restart still knows what the parent was told.
                s.execute("CREATE TABLE IF NOT EXISTS support_request (seq INTEGER PRIMARY KEY, need TEXT, need_chosen INTEGER NOT NULL,"
                        + " made_at INTEGER NOT NULL, delivered INTEGER NOT NULL DEFAULT 0, refused TEXT, state TEXT, by_role TEXT,"
                        + " contact_from INTEGER, contact_before INTEGER, reply_issued INTEGER, answered_at INTEGER)");
            }
            return new OutboxDb(file, db);
        } catch (SQLException | IOException e) {
            closeQuietly(db);
            throw new OutboxException("cannot open the outbox " + file + ": " + e.getMessage()
                    + " (check that the directory exists, is writable by the agent's user, and the disk is not full)", e);
        } catch (RuntimeException e) {
            closeQuietly(db);
            throw e;
        }
    }

    interface SqlAction<T> {
        T run() throws SQLException;
    }

    /** Runs a query and ends its read transaction. */
    <T> T read(SqlAction<T> action) {
        try {
            T value = action.run();
            connection.commit();
            return value;
        } catch (SQLException e) {
            rollback();
            throw new OutboxException("reading the outbox " + file + " failed: " + e.getMessage(), e);
        }
    }

    Optional<String> meta(String key) throws SQLException {
        try (PreparedStatement q = connection.prepareStatement("SELECT v FROM meta WHERE k = ?")) {
            q.setString(1, key);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Sets {@code key} in the current transaction. */
    void putMeta(String key, String value) throws SQLException {
        upsertMeta.setString(1, key);
        upsertMeta.setString(2, value);
        upsertMeta.executeUpdate();
    }

    long queryLong(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void commit() throws SQLException {
        connection.commit();
    }

    void rollback() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.error("Rollback on outbox {} failed: {}", file, e.toString());
        }
    }

    static boolean isDiskFull(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("SQLITE_FULL") || m.contains("disk is full");
    }

    @Override
    public void close() {
        try {
            if (!connection.isClosed()) {
                connection.rollback();
                upsertMeta.close();
                connection.close();
            }
        } catch (SQLException e) {
            throw new OutboxException("closing the outbox " + file + " failed: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing a half-opened outbox failed", e);
            }
        }
    }
}
