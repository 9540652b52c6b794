package org.breathgate.receiver.app.backup;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;

import org.breathgate.receiver.app.config.ReceiverConfig;
import org.flywaydb.core.api.MigrationVersion;
import org.sqlite.SQLiteConnection;

/**
 * Backing up and restoring a receiver (docs/operations.md, "Back up and restore"): the database, the photos, the audit
 * anchors, the keys and certificates, in one folder with a manifest.
 *
 * <p>Order matters, because the receiver keeps running while a backup is taken: first the anchors, keys and certificates
 * (every anchor then points at audit entries the database copy will hold), then the database (SQLite: the online backup
 * API, one consistent snapshot while ingest goes on writing; PostgreSQL: {@code pg_dump}, by the operator), then the
 * photos (every photo the database copy names is on disk by then). The embedded broker's files are not backed up: what it
 * held unacknowledged, the devices still hold and send again.
 */
public final class Backups {

    /** The manifest's file name in a backup folder. */
    public static final String MANIFEST = "backup.properties";
    /** The SQLite database's file name in a backup folder. */
    public static final String DATABASE = "breathgate.db";
    /** The data folder's copy in a backup folder. */
    public static final String DATA = "data";

    private static final Set<String> NOT_BACKED_UP = Set.of("broker");

    /**
     * What a backup holds, written beside it.
     *
     * @param createdAt     when the database copy was taken
     * @param dialect       {@code sqlite} or {@code postgresql}
     * @param schemaVersion the database's schema version (the newest migration applied)
     * @param evidence      evidence events in the database copy (SQLite; for PostgreSQL: at the time of the backup)
     * @param auditEntries  audit entries in the database copy (likewise)
     */
    public record Manifest(Instant createdAt, String dialect, String schemaVersion, long evidence, long auditEntries) {

        void write(Path file) throws IOException {
            Properties p = new Properties();
            p.setProperty("created-at", createdAt.toString());
            p.setProperty("dialect", dialect);
            p.setProperty("schema-version", schemaVersion);
            p.setProperty("evidence", Long.toString(evidence));
            p.setProperty("audit-entries", Long.toString(auditEntries));
            try (Writer w = Files.newBufferedWriter(create(file), StandardCharsets.UTF_8)) {
                p.store(w, "Breathgate receiver backup (docs/operations.md, \"Back up and restore\")");
            }
        }

        static Manifest read(Path file) throws IOException {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            return new Manifest(Instant.parse(p.getProperty("created-at")), p.getProperty("dialect"), p.getProperty("schema-version"),
                    Long.parseLong(p.getProperty("evidence")), Long.parseLong(p.getProperty("audit-entries")));
        }
    }

    private Backups() {
    }

    /**
     * Backs the receiver {@code config} describes up into {@code to} (a new or empty folder, made 0700; every file 0600).
     *
     * @throws BackupException when the folder is not empty, or something cannot be read or written
     */
    public static Manifest backup(ReceiverConfig config, Path to, Clock clock, PrintWriter out) {
        try {
            if (Files.exists(to)) {
                try (var entries = Files.list(to)) {
                    if (entries.findAny().isPresent()) {
                        throw new BackupException(to + " is not empty: back up into a new folder");
                    }
                }
            }
            Files.createDirectories(to);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------"));
            Path dataDir = config.dataDir();
            Path photos = dataDir.resolve("photos");
            Path sqlite = sqliteFile(config);

            // 1. Anchors, keys, certificates: everything in the data folder but the database, the photos and the broker.
            copyTree(dataDir, to.resolve(DATA), p -> !p.startsWith(photos) && !isDatabaseFile(p, sqlite) && !inSkippedFolder(dataDir, p));
            // 2. The database.
            Manifest manifest;
            if (sqlite != null) {
                Path copy = to.resolve(DATABASE);
                create(copy);
                try (Connection c = DriverManager.getConnection(config.database().jdbcUrl())) {
                    // One step of all pages: one read transaction, one consistent snapshot while writers go on (WAL mode).
                    c.unwrap(SQLiteConnection.class).getDatabase().backup("main", copy.toString(), (remaining, total) -> { }, 100, 60_000, -1);
                }
                Instant at = clock.instant();
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy)) {
                    manifest = new Manifest(at, "sqlite", schemaVersion(c), count(c, "evidence"), count(c, "care_audit_log"));
                }
                out.println("database: SQLite online backup of " + sqlite + " -> " + copy + " (" + manifest.evidence() + " evidence events, "
                        + manifest.auditEntries() + " audit entries, schema " + manifest.schemaVersion() + ")");
            } else {
                try (Connection c = DriverManager.getConnection(config.database().jdbcUrl())) {
                    manifest = new Manifest(clock.instant(), "postgresql", schemaVersion(c), count(c, "evidence"), count(c, "care_audit_log"));
                }
                out.println("database: PostgreSQL is backed up with pg_dump, not by this command: run now, e.g.");
                out.println("  pg_dump --format=custom --file=" + to.resolve("breathgate.pgdump") + " <database>");
                out.println("  (docs/operations.md, \"Back up and restore\"); its schema is at version " + manifest.schemaVersion());
            }
            // 3. Photos, after the database: every photo its copy names is on disk by now.
            if (Files.isDirectory(photos)) {
                copyTree(photos, to.resolve(DATA).resolve("photos"), p -> true);
            }
            manifest.write(to.resolve(MANIFEST));
            out.println("backup in " + to + " (" + MANIFEST + ": what it holds)");
            return manifest;
        } catch (IOException e) {
            throw new BackupException("cannot back up into " + to + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new BackupException("cannot read the database for the backup: " + e.getMessage(), e);
        }
    }

    /**
     * Puts the backup in {@code from} back for the receiver {@code config} describes, which must be stopped: the SQLite
     * database (PostgreSQL's is restored with {@code pg_restore} first; its schema version is checked against the backup's),
     * then the data folder's files. An existing SQLite database is refused unless {@code force}, and then kept beside as
     * {@code <file>.before-restore}.
     *
     * @return the backup's manifest
     * @throws BackupException when the backup or the target is not as needed
     */
    public static Manifest restore(ReceiverConfig config, Path from, boolean force, PrintWriter out) {
        try {
            Path manifestFile = from.resolve(MANIFEST);
            if (!Files.isRegularFile(manifestFile)) {
                throw new BackupException(from + " is not a receiver backup: it has no " + MANIFEST);
            }
            Manifest manifest = Manifest.read(manifestFile);
            Path sqlite = sqliteFile(config);
            if (manifest.dialect().equals("sqlite") != (sqlite != null)) {
                throw new BackupException("the backup is of a " + manifest.dialect() + " database but " + ReceiverConfig.JDBC_URL + " names "
                        + (sqlite != null ? "SQLite" : "PostgreSQL"));
            }
            Files.createDirectories(config.dataDir());
            Files.setPosixFilePermissions(config.dataDir(), PosixFilePermissions.fromString("rwx------"));
            if (sqlite != null) {
                if (Files.exists(sqlite) && Files.size(sqlite) > 0) {
                    if (!force) {
                        throw new BackupException(sqlite + " exists: stop the receiver and give --force to replace it (it is kept as "
                                + sqlite.getFileName() + ".before-restore)");
                    }
                    Files.move(sqlite, sqlite.resolveSibling(sqlite.getFileName() + ".before-restore"), StandardCopyOption.REPLACE_EXISTING);
                }
                for (String suffix : new String[] {"-wal", "-shm", "-journal"}) {
                    Files.deleteIfExists(sqlite.resolveSibling(sqlite.getFileName() + suffix));
                }
                Files.createDirectories(sqlite.toAbsolutePath().getParent());
                Path tmp = sqlite.resolveSibling(sqlite.getFileName() + ".restoring");
                Files.copy(from.resolve(DATABASE), tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                Files.move(tmp, sqlite, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                out.println("database: " + sqlite + " restored from " + from.resolve(DATABASE));
            } else {
                String version;
                try (Connection c = DriverManager.getConnection(config.database().jdbcUrl())) {
                    version = schemaVersion(c);
                } catch (SQLException e) {
                    throw new BackupException("cannot read the restored PostgreSQL database (pg_restore it first): " + e.getMessage(), e);
                }
                if (!version.equals(manifest.schemaVersion())) {
                    throw new BackupException("the PostgreSQL database's schema is at version " + (version.isEmpty() ? "none" : version)
                            + " but this backup was taken at " + manifest.schemaVersion() + ": pg_restore the dump taken with this backup"
                            + " into an empty database first");
                }
                out.println("database: PostgreSQL, restored with pg_restore, schema at version " + version + " as in the backup");
            }
            Path data = from.resolve(DATA);
            if (Files.isDirectory(data)) {
                copyTree(data, config.dataDir(), p -> true);
            }
            out.println("files: " + data + " -> " + config.dataDir());
            return manifest;
        } catch (IOException e) {
            throw new BackupException("cannot restore from " + from + ": " + e.getMessage(), e);
        }
    }

    private static Path sqliteFile(ReceiverConfig config) {
        String url = config.database().jdbcUrl();
        if (!url.startsWith("jdbc:sqlite:")) {
            return null;
        }
        String path = url.substring("jdbc:sqlite:".length());
        int query = path.indexOf('?');
        return Path.of(query >= 0 ? path.substring(0, query) : path).toAbsolutePath();
    }

    private static boolean isDatabaseFile(Path p, Path sqlite) {
        if (sqlite == null) {
            return false;
        }
        String name = p.toAbsolutePath().toString();
        String db = sqlite.toString();
        return name.equals(db) || name.equals(db + "-wal") || name.equals(db + "-shm") || name.equals(db + "-journal")
                || name.startsWith(db + ".");
    }

    private static boolean inSkippedFolder(Path root, Path p) {
        Path relative = root.relativize(p);
        return relative.getNameCount() > 0 && NOT_BACKED_UP.contains(relative.getName(0).toString());
    }

    /** Copies the files under {@code from} that {@code include} takes into {@code to}: folders 0700, files 0600. */
    private static void copyTree(Path from, Path to, Predicate<Path> include) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(from) && (!include.test(dir) || inSkippedFolder(from, dir))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Path target = to.resolve(from.relativize(dir).toString());
                Files.createDirectories(target);
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile() && include.test(file) && !file.getFileName().toString().endsWith(".tmp")) {
                    Path target = to.resolve(from.relativize(file).toString());
                    Path tmp = target.resolveSibling(target.getFileName() + ".copying");
                    Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static Path create(Path file) throws IOException {
        Files.deleteIfExists(file);
        return Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }

    private static String schemaVersion(Connection c) throws SQLException {
        String newest = "";
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select version from flyway_schema_history where success and version is not null")) {
            while (rs.next()) {
                String v = rs.getString(1);
                if (newest.isEmpty() || MigrationVersion.fromVersion(v).compareTo(MigrationVersion.fromVersion(newest)) > 0) {
                    newest = v;
                }
            }
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("flyway_schema_history")) {
                return "";
            }
            throw e;
        }
        return newest;
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A backup or restore that cannot go on, with what to do. */
    public static final class BackupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public BackupException(String message) {
            super(message);
        }

        public BackupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
