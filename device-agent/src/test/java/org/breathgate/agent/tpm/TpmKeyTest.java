package org.breathgate.agent.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.VerificationKey;
import org.junit.jupiter.api.Test;

class TpmKeyTest {

    private static final KeyId KID = new KeyId("home-0042", 3);
    private final VerificationKey pub = SigningKey.generateP256(KID, new SecureRandom()).verificationKey();
    private final TpmKey key = new TpmKey("swtpm:host=127.0.0.1,port=2321", 0x81000101, new byte[] {1, 2, 3}, pub, new byte[] {4},
            new byte[] {5}, new byte[] {6}, new byte[] {7});

    @Test
    void the_key_file_round_trips_and_holds_no_private_key() {
        String text = key.toFileText();
        assertTrue(TpmKey.isTpmKeyFile(text));
        assertFalse(text.contains("PRIVATE"));
        assertTrue(text.contains("handle=0x81000101"), text);
        TpmKey back = TpmKey.parse(text, KID);
        assertEquals(key.tcti(), back.tcti());
        assertEquals(key.handle(), back.handle());
        assertArrayEquals(key.auth(), back.auth());
        assertEquals(pub, back.publicKey());
        assertArrayEquals(key.creationTicket(), back.creationTicket());
    }

    @Test
    void a_damaged_key_file_or_a_private_key_is_not_taken_for_a_tpm_key() {
        assertThrows(IllegalArgumentException.class, () -> TpmKey.parse(key.toFileText().replace("auth=010203\n", ""), KID));
        assertFalse(TpmKey.isTpmKeyFile(SigningKey.generate(KID, new SecureRandom()).toPem()));
        assertThrows(IllegalArgumentException.class, () -> new TpmKey("device:/dev/tpmrm0", 0x81000100, new byte[1],
                SigningKey.generate(KID, new SecureRandom()).verificationKey(), new byte[1], new byte[1], new byte[1], new byte[1]));
    }

    @Test
    void a_tcti_that_is_not_one_is_refused_before_any_tool_runs() {
        assertThrows(TpmException.class, () -> new Tpm2Tools("device:/dev/tpmrm0; rm -rf /"));
    }
}
