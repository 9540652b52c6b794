package org.breathgate.receiver.care.people;

import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.evidence.db.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.sql.ResultSet;
import java.util.Objects;
import java.util.Optional;

/** Substance-abuse services and child-protection units, in table {@code care_organisations}. */
public final class Organisations {

    private final Database database;

    public Organisations(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** Adds {@code organisation}; its id must be new. */
    public void add(Organisation organisation) {
        Sql.write(database, "adding organisation " + organisation.id(), c -> {
            try (PreparedStatement s = c.prepareStatement("insert into care_organisations (id, name, kind) values (?, ?, ?)")) {
                s.setString(1, organisation.id());
                s.setString(2, organisation.name());
                s.setString(3, organisation.kind().name());
                return s.executeUpdate();
            }
        });
    }

    public Optional<Organisation> find(String id) {
        return Sql.read(database, "reading organisation " + id, c -> find(c, id));
    }

    /** The organisation {@code id}, in the caller's transaction. */
    public static Optional<Organisation> find(Connection c, String id) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select id, name, kind from care_organisations where id = ?")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Organisation(rs.getString(1), rs.getString(2), OrganisationKind.valueOf(rs.getString(3))))
                        : Optional.empty();
            }
        }
    }

    /** Every organisation's name by id, by name. */
    public Map<String, String> names() {
        return Sql.read(database, "reading organisation names", c -> {
            Map<String, String> names = new LinkedHashMap<>();
            try (PreparedStatement q = c.prepareStatement("select id, name from care_organisations order by name");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    names.put(rs.getString(1), rs.getString(2));
                }
            }
            return names;
        });
    }

    /** The child-protection units, by name: the units a consent can name. */
    public List<Organisation> childProtectionUnits() {
        return Sql.read(database, "reading child-protection units", c -> {
            List<Organisation> units = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("select id, name from care_organisations where kind = ? order by name")) {
                q.setString(1, OrganisationKind.CHILD_PROTECTION_UNIT.name());
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        units.add(new Organisation(rs.getString(1), rs.getString(2), OrganisationKind.CHILD_PROTECTION_UNIT));
                    }
                }
            }
            return units;
        });
    }
}
