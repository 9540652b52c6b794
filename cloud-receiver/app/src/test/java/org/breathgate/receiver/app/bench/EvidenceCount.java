package org.breathgate.receiver.app.bench;

import org.breathgate.receiver.evidence.db.Database;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What the evidence table holds, counted in SQL: the benchmarks' and the storm's proof of "stored exactly once". */
final class EvidenceCount {

    private EvidenceCount() {
    }

    /** Rows in the evidence table; fails if any (device, seq) is there twice (the schema forbids it, this checks it). */
    static long distinctReadings(Database database) throws SQLException {
        return database.read(c -> {
            try (Statement s = c.createStatement();
                 ResultSet rows = s.executeQuery("select count(*), count(distinct device_id || '#' || seq) from evidence")) {
                rows.next();
                long all = rows.getLong(1);
                long distinct = rows.getLong(2);
                if (all != distinct) {
                    throw new IllegalStateException(all + " evidence rows but only " + distinct + " distinct readings: stored twice");
                }
                return all;
            }
        });
    }
}
