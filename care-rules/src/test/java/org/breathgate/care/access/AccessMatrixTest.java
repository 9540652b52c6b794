package org.breathgate.care.access;

import org.breathgate.care.consent.ConsentHistory;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.EventTime;
import org.breathgate.care.consent.Scope;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each role × each operation, against a table written out by hand here (not derived from the policy),
 * so a change to the policy must be made twice to pass: in the code and in this table.
 */
class AccessMatrixTest {

    /** Y = allowed, N = refused. Columns are the scenarios in {@link #SCENARIOS}. */
    private static final String EXPECTED = """
            operation                  SA_OWN SA_OTHER CP_CONSENT CP_NONE TECH ADMIN PARENT_OWN PARENT_OTHER
            VIEW_TIMELINE              Y      N        Y          N       N    N     Y          N
            VIEW_RESULT                Y      N        Y          N       N    N     Y          N
            VIEW_MISSED_TESTS          Y      N        Y          N       N    N     Y          N
            VIEW_SUPPORT_REQUESTS      Y      N        N          N       N    N     Y          N
            RECEIVE_ALERT              Y      N        Y          N       N    N     N          N
            ACK_ALERT                  Y      N        Y          N       N    N     N          N
            EXPORT_REPORT              Y      N        Y          N       N    N     Y          N
            RECORD_CONSENT             Y      N        N          N       N    N     N          N
            REVOKE_CONSENT             Y      N        Y          N       N    N     Y          N
            VIEW_CONSENTS              Y      N        Y          N       N    N     Y          N
            SET_SCHEDULE               Y      N        N          N       N    N     N          N
            EDIT_ALERT_RULES           Y      N        N          N       N    N     N          N
            EXCUSE_MISSED_TEST         Y      N        N          N       N    N     N          N
            MANAGE_CLIENT              Y      N        N          N       N    N     N          N
            EXPORT_ALL_DATA_OF_CLIENT  Y      N        N          N       N    N     Y          N
            VIEW_ACCESS_LOG_OF_CLIENT  Y      N        N          N       N    N     Y          N
            MANAGE_DEVICES             N      N        N          N       Y    Y     N          N
            CREATE_ENROLLMENT_CODE     N      N        N          N       Y    Y     N          N
            VIEW_DEVICE_HEALTH         N      N        N          N       Y    Y     N          N
            HANDLE_DEVICE_ALERT        N      N        N          N       Y    N     N          N
            MANAGE_USERS               N      N        N          N       N    Y     N          N
            VIEW_AUDIT_LOG             N      N        N          N       N    Y     N          N
            VERIFY_AUDIT               N      N        N          N       N    Y     N          N
            DELETE_EXPIRED             N      N        N          N       N    Y     N          N
            """;

    static final Instant NOW = Instant.parse("2026-03-10T09:00:00Z");
    static final EventTime EVENT = EventTime.exact(Instant.parse("2026-03-09T06:02:00Z"));
    static final Client CLIENT = Client.open("client-a", "Parent A", "sa-north");
    static final ConsentHistory CONSENTS = ConsentHistory.of(CLIENT.id(), List.of(ConsentVersion.first("consent-1", CLIENT.id(),
            "cp-1", Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-06-01T00:00:00Z"), EnumSet.allOf(Scope.class),
            "worker-sa", Instant.parse("2026-02-25T10:00:00Z"))));

    static final Map<String, Actor> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("SA_OWN", Actor.substanceAbuseWorker("worker-sa", "sa-north"));
        SCENARIOS.put("SA_OTHER", Actor.substanceAbuseWorker("worker-sa-south", "sa-south"));
        SCENARIOS.put("CP_CONSENT", Actor.childProtectionWorker("worker-cp1", "cp-1"));
        SCENARIOS.put("CP_NONE", Actor.childProtectionWorker("worker-cp2", "cp-2"));
        SCENARIOS.put("TECH", Actor.technician("tech-1"));
        SCENARIOS.put("ADMIN", Actor.administrator("admin-1"));
        SCENARIOS.put("PARENT_OWN", Actor.parent("parent-a", "client-a"));
        SCENARIOS.put("PARENT_OTHER", Actor.parent("parent-b", "client-b"));
    }

    static Decision decide(Actor actor, Operation op) {
        if (op.kind() == Operation.Kind.SYSTEM) {
            return AccessPolicy.decide(actor, op, NOW);
        }
        return AccessPolicy.decide(actor, op, CLIENT, CONSENTS, op.kind() == Operation.Kind.EVENT ? EVENT : null, NOW);
    }

    @TestFactory
    List<DynamicTest> every_role_and_scenario_gets_exactly_the_operations_in_the_table() {
        List<String> lines = EXPECTED.lines().toList();
        List<String> columns = List.of(lines.get(0).trim().split("\\s+")).subList(1, 9);
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.trim().split("\\s+");
            Operation op = Operation.valueOf(cells[0]);
            for (int c = 0; c < columns.size(); c++) {
                String scenario = columns.get(c);
                boolean expected = cells[c + 1].equals("Y");
                tests.add(DynamicTest.dynamicTest(scenario + (expected ? " may " : " may not ") + op, () ->
                        assertEquals(expected, decide(SCENARIOS.get(scenario), op).allowed(), () -> decide(SCENARIOS.get(scenario), op).toString())));
            }
        }
        return tests;
    }

    @Test
    void the_table_lists_every_operation_once() {
        Set<String> listed = EXPECTED.lines().skip(1).map(l -> l.trim().split("\\s+")[0]).collect(Collectors.toSet());
        assertEquals(EnumSet.allOf(Operation.class).stream().map(Enum::name).collect(Collectors.toSet()), listed);
        assertEquals(Operation.values().length, EXPECTED.lines().count() - 1);
    }
}
