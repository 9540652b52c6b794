package org.breathgate.agent.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PinnedTlsTest {

    private static final String HEX = "3f0c" + "ab".repeat(30);

    @Test
    void fingerprints_are_accepted_as_people_paste_them() {
        assertEquals("sha256:" + HEX, PinnedTls.normalise("sha256:" + HEX));
        assertEquals("sha256:" + HEX, PinnedTls.normalise("SHA256:" + HEX.toUpperCase()));
        StringBuilder colons = new StringBuilder();
        for (int i = 0; i < HEX.length(); i += 2) {
            colons.append(i == 0 ? "" : ":").append(HEX, i, i + 2);
        }
        assertEquals("sha256:" + HEX, PinnedTls.normalise("sha256 Fingerprint=" + colons.toString().toUpperCase()));
    }

    @Test
    void anything_else_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> PinnedTls.normalise("sha256:1234"));
        assertThrows(IllegalArgumentException.class, () -> PinnedTls.normalise("md5:" + HEX));
    }
}
