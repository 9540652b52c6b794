package org.breathgate.receiver.care.delivery;

import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.evidence.db.Database;

import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Webhooks per organisation, in table {@code care_webhooks}. */
public final class Webhooks {

    private static final String COLUMNS = "id, organisation_id, url, secret, created_at_ms, disabled_at_ms";

    private final Database database;
    private final SecureRandom random;

    public Webhooks(Database database, SecureRandom random) {
        this.database = Objects.requireNonNull(database, "database");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Adds a webhook for {@code organisationId} with a new random secret (32 random bytes as 64 hex digits); the
     * returned webhook carries it, to be handed to the receiving system once.
     */
    public Webhook add(String organisationId, URI url, Instant now) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        byte[] id = new byte[4];
        random.nextBytes(id);
        Webhook webhook = new Webhook("wh-" + HexFormat.of().formatHex(id), organisationId, url, HexFormat.of().formatHex(secret), now, null);
        Sql.write(database, "adding a webhook for " + organisationId, c -> {
            try (PreparedStatement s = c.prepareStatement("insert into care_webhooks (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, webhook.id());
                s.setString(2, webhook.organisationId());
                s.setString(3, webhook.url().toString());
                s.setString(4, webhook.secret());
                s.setLong(5, now.toEpochMilli());
                s.setNull(6, java.sql.Types.BIGINT);
                return s.executeUpdate();
            }
        });
        return webhook;
    }

    /** Switches a webhook off: nothing more is sent to it (rows already made for it are withheld when their turn comes). */
    public void disable(String id, Instant now) {
        Sql.write(database, "disabling webhook " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("update care_webhooks set disabled_at_ms = ? where id = ? and disabled_at_ms is null")) {
                s.setLong(1, now.toEpochMilli());
                s.setString(2, id);
                if (s.executeUpdate() != 1) {
                    throw new IllegalArgumentException("no active webhook " + id);
                }
                return null;
            }
        });
    }

    /** Every webhook, in organisation and id order. */
    public List<Webhook> all() {
        return Sql.read(database, "reading webhooks", c -> query(c, "select " + COLUMNS + " from care_webhooks "
                + "order by organisation_id, id", null));
    }

    public Optional<Webhook> find(String id) {
        return Sql.read(database, "reading webhook " + id, c -> find(c, id));
    }

    public static Optional<Webhook> find(Connection c, String id) throws SQLException {
        List<Webhook> found = query(c, "select " + COLUMNS + " from care_webhooks where id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** The organisation's active webhooks. */
    static List<Webhook> activeOf(Connection c, String organisationId) throws SQLException {
        return query(c, "select " + COLUMNS + " from care_webhooks where organisation_id = ? and disabled_at_ms is null order by id",
                organisationId);
    }

    private static List<Webhook> query(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            if (param != null) {
                q.setString(1, param);
            }
            List<Webhook> result = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    result.add(new Webhook(rs.getString(1), rs.getString(2), URI.create(rs.getString(3)), rs.getString(4),
                            Instant.ofEpochMilli(rs.getLong(5)), Sql.instant(rs, 6)));
                }
            }
            return result;
        }
    }
}
