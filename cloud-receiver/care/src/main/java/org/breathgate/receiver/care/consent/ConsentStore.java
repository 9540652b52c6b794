package org.breathgate.receiver.care.consent;

import org.breathgate.care.consent.ConsentHistory;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.Scope;
import org.breathgate.receiver.evidence.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Consent versions in table {@code care_consent_versions}, append-only: this class only ever inserts,
 * and the database refuses UPDATE and DELETE with a trigger (both dialects). Each new version is
 * checked against the stored history by {@link ConsentHistory} before it is inserted, so versions
 * run 1, 2, 3 ... and nothing follows a revocation.
 */
final class ConsentStore {

    private static final String COLUMNS = "consent_id, version, client_id, unit_id, valid_from_ms, valid_until_ms, scopes, "
            + "recorded_by, recorded_at_ms, revoked_at_ms, revoked_by";

    private ConsentStore() {
    }

    /** The client's whole consent history. */
    public static ConsentHistory history(Connection c, String clientId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select " + COLUMNS + " from care_consent_versions where client_id = ?")) {
            q.setString(1, clientId);
            List<ConsentVersion> versions = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    versions.add(version(rs));
                }
            }
            return ConsentHistory.of(clientId, versions);
        }
    }

    /**
     * Appends {@code version} after checking it against the stored history.
     *
     * @throws IllegalArgumentException if it does not follow the history (wrong number, after a revocation, ...)
     */
    public static void append(Connection c, ConsentVersion version) throws SQLException {
        history(c, version.clientId()).with(version);
        try (PreparedStatement s = c.prepareStatement("insert into care_consent_versions (" + COLUMNS
                + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, version.consentId());
            s.setInt(2, version.version());
            s.setString(3, version.clientId());
            s.setString(4, version.childProtectionUnitId());
            s.setLong(5, version.validFrom().toEpochMilli());
            s.setLong(6, version.validUntil().toEpochMilli());
            s.setString(7, scopes(version.scopes()));
            s.setString(8, version.recordedBy());
            s.setLong(9, version.recordedAt().toEpochMilli());
            Sql.setInstant(s, 10, version.revokedAt());
            s.setString(11, version.revokedBy());
            s.executeUpdate();
        }
    }

    /** The client a consent belongs to, if the consent exists. */
    public static java.util.Optional<String> clientOf(Connection c, String consentId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select client_id from care_consent_versions where consent_id = ? and version = 1")) {
            q.setString(1, consentId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? java.util.Optional.of(rs.getString(1)) : java.util.Optional.empty();
            }
        }
    }

    private static String scopes(Set<Scope> scopes) {
        Set<String> names = new TreeSet<>();
        scopes.forEach(s -> names.add(s.name()));
        return String.join(",", names);
    }

    private static ConsentVersion version(ResultSet rs) throws SQLException {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : rs.getString(7).split(",")) {
            scopes.add(Scope.valueOf(s));
        }
        return new ConsentVersion(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6)), scopes, rs.getString(8),
                Instant.ofEpochMilli(rs.getLong(9)), Sql.instant(rs, 10), rs.getString(11));
    }
}
