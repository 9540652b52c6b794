package org.breathgate.receiver.app.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.breathgate.receiver.evidence.db.Database;

/**
 * Whether this receiver can do its work now: the database answers (on a connection of its own), its schema is the version
 * this receiver's migrations make, and ingest is connected to the broker. A load balancer sends devices and people only to
 * a ready instance; a receiver that is not ready goes on retrying by itself and turns ready when its parts return.
 */
public final class Readiness {

    /**
     * One check's outcome.
     *
     * @param ok     whether it passed
     * @param detail what was found, for the operator
     */
    public record Check(boolean ok, String detail) {
    }

    /**
     * @param ready  every check passed
     * @param checks by name: {@code database}, {@code migrations}, {@code broker}
     */
    public record Report(boolean ready, Map<String, Check> checks) {
        public Report {
            checks = Map.copyOf(checks);
        }
    }

    private final Database database;
    private final BooleanSupplier brokerConnected;

    public Readiness(Database database, BooleanSupplier brokerConnected) {
        this.database = database;
        this.brokerConnected = brokerConnected;
    }

    /** Runs the checks now. */
    public Report check() {
        Map<String, Check> checks = new LinkedHashMap<>();
        Database.Probe probe = database.probe();
        checks.put("database", probe.reachable() ? new Check(true, database.dialect().name().toLowerCase(java.util.Locale.ROOT) + " answers")
                : new Check(false, "unreachable: " + probe.problem()));
        checks.put("migrations", !probe.reachable() ? new Check(false, "unknown: the database is unreachable")
                : probe.migrated() ? new Check(true, "schema at version " + probe.schemaVersion())
                : new Check(false, "schema at version " + (probe.schemaVersion().isEmpty() ? "none" : probe.schemaVersion())
                        + ", this receiver needs " + probe.expected()));
        boolean connected = brokerConnected.getAsBoolean();
        checks.put("broker", new Check(connected, connected ? "connected" : "not connected (reconnecting)"));
        return new Report(checks.values().stream().allMatch(Check::ok), checks);
    }
}
