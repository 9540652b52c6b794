package org.breathgate.care.access;

import org.breathgate.care.consent.Scope;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/care-workflow.md must say what the code does: its role table is compared with {@link AccessPolicy}. */
class CareWorkflowDocTest {

    static String doc() throws IOException {
        try (InputStream in = CareWorkflowDocTest.class.getResourceAsStream("/docs/care-workflow.md")) {
            assertNotNull(in, "docs/care-workflow.md is on the test class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The cells the policy implies for {@code op}, in the doc's column order. */
    static List<String> expectedCells(Operation op) {
        Map<String, Actor> s = AccessMatrixTest.SCENARIOS;
        List<String> cells = new ArrayList<>();
        String sa = "—";
        if (AccessMatrixTest.decide(s.get("SA_OWN"), op).allowed()) {
            boolean closedToo = op.kind() == Operation.Kind.SYSTEM || AccessPolicy.decide(s.get("SA_OWN"), op,
                    AccessMatrixTest.CLIENT.closed(Instant.parse("2026-03-01T00:00:00Z")), AccessMatrixTest.CONSENTS,
                    op.kind() == Operation.Kind.EVENT ? AccessMatrixTest.EVENT : null, AccessMatrixTest.NOW).allowed();
            sa = closedToo ? "own organisation's clients" : "own organisation's clients, open case only";
        }
        cells.add(sa);
        String cp = "—";
        if (AccessMatrixTest.decide(s.get("CP_CONSENT"), op).allowed()) {
            cp = op.childProtectionScopes().isEmpty() ? "consents naming their unit"
                    : "with consent: " + op.childProtectionScopes().stream().sorted().map(Scope::name)
                    .map(n -> n.toLowerCase(Locale.ROOT).replace('_', ' ')).collect(Collectors.joining(" or "));
        }
        cells.add(cp);
        cells.add(AccessMatrixTest.decide(s.get("TECH"), op).allowed() ? "yes" : "—");
        cells.add(AccessMatrixTest.decide(s.get("ADMIN"), op).allowed() ? "yes" : "—");
        cells.add(AccessMatrixTest.decide(s.get("PARENT_OWN"), op).allowed() ? "own data" : "—");
        return cells;
    }

    @Test
    void the_role_table_in_the_doc_matches_the_policy_row_by_row() throws IOException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        List<String> lines = doc().lines().toList();
        int header = lines.indexOf("| Operation | Substance-abuse worker | Child-protection worker | Technician | Administrator | Parent |");
        assertTrue(header >= 0, "the role table's header row is in the doc");
        for (String line : lines.subList(header + 2, lines.size())) {
            if (!line.startsWith("|")) {
                break;
            }
            String[] cells = line.split("\\|");
            String op = cells[1].substring(cells[1].indexOf('`') + 1, cells[1].lastIndexOf('`'));
            List<String> rest = new ArrayList<>();
            for (int i = 2; i < cells.length; i++) {
                rest.add(cells[i].trim());
            }
            rows.put(op, rest);
        }
        for (Operation op : Operation.values()) {
            assertTrue(rows.containsKey(op.name()), "docs/care-workflow.md has no row for " + op);
            assertEquals(expectedCells(op), rows.get(op.name()), "row " + op);
        }
        assertEquals(Operation.values().length, rows.size(), "rows: " + rows.keySet());
    }

    @Test
    void the_doc_shows_the_audit_example_hashes_the_tests_check() throws IOException {
        String doc = doc();
        assertTrue(doc.contains("c77db32a4a5ae3482b2d4d25c2d62f5b6dff308c62018f1799d62d866cd5b05b"));
        assertTrue(doc.contains("5d97de94074f208d203db514b64961636b6d622d0b6a1dc623607eff82429c48"));
    }
}
