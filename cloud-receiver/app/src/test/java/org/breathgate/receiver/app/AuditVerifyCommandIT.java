package org.breathgate.receiver.app;

import org.breathgate.receiver.care.gate.CareGate;
import java.time.Clock;
import java.time.ZoneOffset;
import org.breathgate.receiver.care.gate.AuditLog;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.PreparedStatement;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code breathgate-receiver audit-verify}: exit 0 and {@code OK} while the chain is intact, 1 and {@code BROKEN} once an entry changed. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditVerifyCommandIT {

    private final TestDatabases databases = new TestDatabases();

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void an_audit_entry_changed_in_the_database_is_reported_broken_by_the_command(Database.Dialect dialect) throws Exception {
        String url = databases.newUrl(dialect);
        try (Database database = Database.open(url)) {
            CareGate gate = new CareGate(database, new AuditLog(database, null), Clock.fixed(Instant.parse("2026-03-10T08:00:00Z"),
                    ZoneOffset.UTC));
            gate.record("worker-sa", "result.viewed", "reading", "home-0001#1", "allowed.own_organisation");
            gate.record("worker-sa", "timeline.viewed", "client", "client-a", "allowed.own_organisation");
            StringWriter out = new StringWriter();
            assertEquals(0, verify(url, out));
            assertTrue(out.toString().startsWith("OK "), out.toString());
            database.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("update care_audit_log set actor = 'someone-else' where seq = 2")) {
                    return s.executeUpdate();
                }
            });
            out = new StringWriter();
            assertEquals(1, verify(url, out));
            assertTrue(out.toString().startsWith("BROKEN at entry 2"), out.toString());
        }
    }

    private static int verify(String url, StringWriter out) {
        return AuditVerifyMain.run(new String[] {"--jdbc-url", url}, new PrintWriter(out), new PrintWriter(new StringWriter()));
    }
}
