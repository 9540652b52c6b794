package org.breathgate.receiver.care.signin;

import org.breathgate.care.account.LoginThrottle;
import org.breathgate.care.account.ThrottleDecision;
import org.breathgate.care.account.ThrottleState;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The login throttle's state in the database (table {@code care_login_throttle}), shared by every receiver on it, with the
 * care core's {@link LoginThrottle} rules. {@link #begin} is one transaction: the three keys' rows are locked (PostgreSQL:
 * {@code select ... for update}; SQLite has one writer), the decision made, and — if the attempt may go ahead — a failure
 * recorded for every key before the credentials are even looked at. Attempts racing in parallel therefore each see the ones
 * before them; a success then takes its failure back ({@link #succeeded}).
 */
final class Throttle {

    /**
     * What {@link #begin} found.
     *
     * @param decision whether the attempt may go ahead
     * @param began    the keys whose delays began with this attempt (one audit entry each)
     */
    record Begun(ThrottleDecision decision, List<LoginThrottle.Key> began) {
    }

    private final Database database;
    private final LoginThrottle rules;

    Throttle(Database database, LoginThrottle rules) {
        this.database = Objects.requireNonNull(database, "database");
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    Begun begin(String account, String source, Instant now) {
        return Sql.write(database, "throttling a sign-in", c -> {
            Map<LoginThrottle.Key, ThrottleState> states = new EnumMap<>(LoginThrottle.Key.class);
            for (LoginThrottle.Key k : LoginThrottle.Key.values()) {
                states.put(k, lockAndLoad(c, k.of(account, source), now));
            }
            ThrottleDecision decision = rules.decide(states, now);
            List<LoginThrottle.Key> began = new ArrayList<>();
            if (decision.allowed()) {
                for (LoginThrottle.Key k : LoginThrottle.Key.values()) {
                    ThrottleState after = rules.failed(k, states.get(k), now);
                    store(c, k.of(account, source), after);
                    if (rules.delaysBegin(k, after)) {
                        began.add(k);
                    }
                }
            }
            return new Begun(decision, List.copyOf(began));
        });
    }

    /** The attempt begun for {@code account} succeeded: its failure is taken back and the account's keys forgotten. */
    void succeeded(String account, String source) {
        Sql.write(database, "clearing sign-in failures", c -> {
            try (PreparedStatement d = c.prepareStatement("delete from care_login_throttle where throttle_key = ?")) {
                for (LoginThrottle.Key k : LoginThrottle.Key.values()) {
                    if (k.clearedBySuccess()) {
                        d.setString(1, k.of(account, source));
                        d.executeUpdate();
                    }
                }
            }
            try (PreparedStatement u = c.prepareStatement("update care_login_throttle set failures = failures - 1 where throttle_key = ? "
                    + "and failures > 0")) {
                u.setString(1, LoginThrottle.Key.SOURCE.of(account, source));
                u.executeUpdate();
            }
            return null;
        });
    }

    private ThrottleState lockAndLoad(Connection c, String key, Instant now) throws SQLException {
        boolean postgres = database.dialect() == Database.Dialect.POSTGRESQL;
        if (postgres) {
            // A row to lock, so two receivers counting the same key wait for each other.
            try (PreparedStatement i = c.prepareStatement("insert into care_login_throttle (throttle_key, failures, last_failure_ms, "
                    + "wait_until_ms) values (?, 0, ?, null) on conflict do nothing")) {
                i.setString(1, key);
                i.setLong(2, now.toEpochMilli());
                i.executeUpdate();
            }
        }
        try (PreparedStatement q = c.prepareStatement("select failures, last_failure_ms, wait_until_ms from care_login_throttle "
                + "where throttle_key = ?" + (postgres ? " for update" : ""))) {
            q.setString(1, key);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next() || rs.getInt(1) == 0) {
                    return ThrottleState.NONE;
                }
                return new ThrottleState(rs.getInt(1), Instant.ofEpochMilli(rs.getLong(2)), Sql.instant(rs, 3));
            }
        }
    }

    private static void store(Connection c, String key, ThrottleState s) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("insert into care_login_throttle (throttle_key, failures, last_failure_ms, "
                + "wait_until_ms) values (?, ?, ?, ?) on conflict (throttle_key) do update set failures = excluded.failures, "
                + "last_failure_ms = excluded.last_failure_ms, wait_until_ms = excluded.wait_until_ms")) {
            u.setString(1, key);
            u.setInt(2, s.failures());
            u.setLong(3, s.lastFailure().toEpochMilli());
            Sql.setInstant(u, 4, s.waitUntil());
            u.executeUpdate();
        }
    }
}
