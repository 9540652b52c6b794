package org.breathgate.receiver.evidence.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Periodic jobs run once across every receiver on one database (docs/operations.md, "Scale out"), under a lease in
 * {@code ops_job_leases}: {@link #claim} succeeds for one instance at a time, and only when the job's period has passed
 * since its last run; {@link #done} records the run and frees the lease. An instance that dies holding a lease holds it
 * only until the lease lapses; then another takes the job over. Times are this instance's clock: instances keep their
 * clocks in step with NTP, as the evidence's timestamps need anyway.
 */
public final class JobLeases {

    private final Database database;
    private final String holder;
    private final Clock clock;

    /**
     * @param holder this instance's id, unique among the receivers on the database (the MQTT client id)
     */
    public JobLeases(Database database, String holder, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.holder = Objects.requireNonNull(holder, "holder");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** This instance's id. */
    public String holder() {
        return holder;
    }

    /**
     * Takes {@code job} for this instance if nobody holds it and it last ran at least {@code every} ago (or never).
     *
     * @param lease how long the claim holds if this instance dies before {@link #done}: longer than a run takes
     * @return true when this instance is to run the job now
     * @throws SQLException if the database cannot be written
     */
    public boolean claim(String job, Duration every, Duration lease) throws SQLException {
        Instant now = clock.instant();
        return database.inTransaction(c -> {
            ensureRow(c, job);
            try (PreparedStatement s = c.prepareStatement("update ops_job_leases set holder = ?, lease_until_ms = ?, claimed_at_ms = ?"
                    + " where name = ? and (lease_until_ms < ? or holder = ?) and (last_run_ms is null or last_run_ms <= ?)")) {
                s.setString(1, holder);
                s.setLong(2, now.plus(lease).toEpochMilli());
                s.setLong(3, now.toEpochMilli());
                s.setString(4, job);
                s.setLong(5, now.toEpochMilli());
                s.setString(6, holder);
                s.setLong(7, now.minus(every).toEpochMilli());
                return s.executeUpdate() == 1;
            }
        });
    }

    /**
     * Records that {@code job}, claimed by this instance, ran (as of its claim) and frees the lease.
     *
     * @throws SQLException if the database cannot be written
     */
    public void done(String job) throws SQLException {
        database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("update ops_job_leases set last_run_ms = claimed_at_ms, lease_until_ms = 0"
                    + " where name = ? and holder = ?")) {
                s.setString(1, job);
                s.setString(2, holder);
                return s.executeUpdate();
            }
        });
    }

    /**
     * Frees {@code job}'s lease without recording a run (it failed): any instance tries it again at its next tick.
     *
     * @throws SQLException if the database cannot be written
     */
    public void release(String job) throws SQLException {
        database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("update ops_job_leases set lease_until_ms = 0 where name = ? and holder = ?")) {
                s.setString(1, job);
                s.setString(2, holder);
                return s.executeUpdate();
            }
        });
    }

    private void ensureRow(Connection c, String job) throws SQLException {
        String insert = database.dialect() == Database.Dialect.POSTGRESQL
                ? "insert into ops_job_leases (name, holder, lease_until_ms) values (?, '', 0) on conflict (name) do nothing"
                : "insert or ignore into ops_job_leases (name, holder, lease_until_ms) values (?, '', 0)";
        try (PreparedStatement s = c.prepareStatement(insert)) {
            s.setString(1, job);
            s.executeUpdate();
        }
    }
}
