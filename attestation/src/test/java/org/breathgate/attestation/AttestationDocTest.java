package org.breathgate.attestation;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/protocol.md names every refusal code and every field of the exchange. */
class AttestationDocTest {

    private static final Path DOC = Path.of("..", "docs", "protocol.md");

    @Test
    void every_refusal_code_and_field_is_documented() throws IOException {
        String doc = Files.readString(DOC);
        for (Refusal r : Refusal.values()) {
            assertTrue(doc.contains("`" + r.code() + "`"), "docs/protocol.md does not name " + r.code());
        }
        for (String field : new String[] {"ek_certificate", "ek_chain", "ak_public", "challenge_id", "credential_blob", "encrypted_secret",
                "nonce", "expires", "secret", "key_public", "creation_data", "certify_info", "certify_signature", AttestationJson.RECORD_FORMAT,
                "key_sha256", "tpm_manufacturer", "attested_at"}) {
            assertTrue(doc.contains(field), "docs/protocol.md does not name " + field);
        }
    }
}
