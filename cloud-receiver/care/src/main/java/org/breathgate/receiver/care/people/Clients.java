package org.breathgate.receiver.care.people;

import org.breathgate.care.access.CaseStatus;
import org.breathgate.care.access.Client;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.PerMilleFactor;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.evidence.db.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Clients (parents) and their cases, in table {@code care_clients}: case status, alert threshold and
 * the name of the per-mille factor ({@link PerMilleFactor#FINNISH_CRIMINAL_CODE} or
 * {@link PerMilleFactor#PARTITION_2100}).
 */
public final class Clients {

    private static final String COLUMNS = "id, display_name, organisation_id, case_status, closed_at_ms, threshold_ug_l, per_mille_factor";

    private final Database database;

    public Clients(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** Adds a new client. */
    public void add(Client client, Instant now) {
        Sql.write(database, "adding client " + client.id(), c -> {
            insert(c, client, now);
            return null;
        });
    }

    /** Adds a new client in the caller's transaction. */
    public static void insert(Connection c, Client client, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into care_clients (" + COLUMNS
                + ", created_at_ms) values (?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(s, client);
            s.setLong(8, now.toEpochMilli());
            s.executeUpdate();
        }
    }

    /** Saves a changed client (case closed or reopened, threshold, factor); the id and organisation stay. */
    public void update(Connection c, Client client) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update care_clients set display_name = ?, case_status = ?, closed_at_ms = ?, "
                + "threshold_ug_l = ?, per_mille_factor = ? where id = ?")) {
            s.setString(1, client.displayName());
            s.setString(2, client.caseStatus().name());
            Sql.setInstant(s, 3, client.closedAt());
            s.setInt(4, client.alertThreshold().microgramsPerLitre());
            s.setString(5, client.perMilleFactor().name());
            s.setString(6, client.id());
            if (s.executeUpdate() != 1) {
                throw new IllegalArgumentException("no client " + client.id());
            }
        }
    }

    public void update(Client client) {
        Sql.write(database, "updating client " + client.id(), c -> {
            update(c, client);
            return null;
        });
    }

    public Optional<Client> find(String id) {
        return Sql.read(database, "reading client " + id, c -> find(c, id));
    }

    public static Optional<Client> find(Connection c, String id) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select " + COLUMNS + " from care_clients where id = ?")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(client(rs)) : Optional.empty();
            }
        }
    }

    /** Every client, in id order. */
    public List<Client> all() {
        return Sql.read(database, "reading clients", Clients::all);
    }

    public static List<Client> all(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select " + COLUMNS + " from care_clients order by id");
             ResultSet rs = q.executeQuery()) {
            List<Client> clients = new ArrayList<>();
            while (rs.next()) {
                clients.add(client(rs));
            }
            return clients;
        }
    }

    /** When the client's evidence was last deleted by retention, if ever. */
    public static Optional<Instant> resultsDeletedAt(Connection c, String clientId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select results_deleted_at_ms from care_clients where id = ?")) {
            q.setString(1, clientId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.ofNullable(Sql.instant(rs, 1)) : Optional.empty();
            }
        }
    }

    public static void markResultsDeleted(Connection c, String clientId, Instant at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update care_clients set results_deleted_at_ms = ? where id = ?")) {
            s.setLong(1, at.toEpochMilli());
            s.setString(2, clientId);
            s.executeUpdate();
        }
    }

    /** The factor with the stored name. */
    static PerMilleFactor factor(String name) {
        for (PerMilleFactor f : List.of(PerMilleFactor.FINNISH_CRIMINAL_CODE, PerMilleFactor.PARTITION_2100)) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalStateException("unknown per-mille factor '" + name + "' stored; known: FI-RL-23, 2100:1");
    }

    private static void bind(PreparedStatement s, Client client) throws SQLException {
        factor(client.perMilleFactor().name()); // refuse a factor that could not be read back
        s.setString(1, client.id());
        s.setString(2, client.displayName());
        s.setString(3, client.substanceAbuseOrganisationId());
        s.setString(4, client.caseStatus().name());
        Sql.setInstant(s, 5, client.closedAt());
        s.setInt(6, client.alertThreshold().microgramsPerLitre());
        s.setString(7, client.perMilleFactor().name());
    }

    private static Client client(ResultSet rs) throws SQLException {
        return new Client(rs.getString(1), rs.getString(2), rs.getString(3), CaseStatus.valueOf(rs.getString(4)),
                Sql.instant(rs, 5), new BreathAlcohol(rs.getInt(6)), factor(rs.getString(7)));
    }
}
