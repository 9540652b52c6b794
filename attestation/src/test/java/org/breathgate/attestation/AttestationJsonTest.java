package org.breathgate.attestation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AttestationJsonTest {

    @Test
    void a_challenge_round_trips_with_unpadded_base64url() throws Exception {
        Challenge c = new Challenge("id-1", new byte[] {1, 2, 3}, new byte[] {(byte) 0xfb, (byte) 0xff}, new byte[32],
                Instant.parse("2026-11-25T06:00:00Z"));
        ObjectNode json = AttestationJson.toJson(c);
        assertEquals("-_8", json.get("encrypted_secret").asText());
        assertEquals("2026-11-25T06:00:00Z", json.get("expires").asText());
        Challenge back = AttestationJson.challenge(json);
        assertArrayEquals(c.credentialBlob(), back.credentialBlob());
        assertEquals(c.expires(), back.expires());
    }

    @Test
    void missing_padded_or_oversized_fields_are_malformed() throws Exception {
        ObjectNode json = AttestationJson.toJson(new AttestationRequest(new byte[] {1}, List.of(), new byte[] {2}));
        ObjectNode padded = json.deepCopy().put("ak_public", "Ag==");
        assertEquals(Refusal.MALFORMED, assertThrows(AttestationException.class, () -> AttestationJson.request(padded)).refusal());
        ObjectNode missing = json.deepCopy();
        missing.remove("ek_certificate");
        assertEquals(Refusal.MALFORMED, assertThrows(AttestationException.class, () -> AttestationJson.request(missing)).refusal());
        ObjectNode chain = json.deepCopy();
        for (int i = 0; i < 9; i++) {
            chain.withArray("ek_chain").add("AQ");
        }
        assertEquals(Refusal.MALFORMED, assertThrows(AttestationException.class, () -> AttestationJson.request(chain)).refusal());
        assertEquals(Refusal.MALFORMED, assertThrows(AttestationException.class,
                () -> AttestationJson.proof(new ObjectMapper().createObjectNode())).refusal());
    }

    @Test
    void structures_with_bytes_missing_or_left_over_are_malformed() {
        assertEquals(Refusal.MALFORMED, assertThrows(AttestationException.class,
                () -> TpmStructures.eccPublicFromTpm2b(new byte[] {0, 4, 0, 0x23})).refusal());
        assertEquals(Refusal.NOT_TPM_GENERATED, assertThrows(AttestationException.class,
                () -> TpmStructures.creationAttest(new byte[] {0, 0, 0, 0, 0, 0})).refusal());
        assertEquals(Refusal.MALFORMED, assertThrows(AttestationException.class,
                () -> TpmStructures.ecdsaSignature(new byte[] {0, 0x18, 0, 0x0b, 0, 1, 5, 0, 1, 6, 7})).refusal());
    }

    @Test
    void a_tcg_vendor_id_of_letters_is_shown_as_letters() {
        assertEquals("IFX (id:49465800)", EkCertificates.manufacturer("id:49465800"));
        assertEquals("id:00001014", EkCertificates.manufacturer("id:00001014"));
        assertEquals("Acme", EkCertificates.manufacturer("Acme"));
    }

    @Test
    void trust_anchors_need_a_root() {
        assertThrows(IllegalArgumentException.class, () -> new TrustAnchors(List.of(), List.of()));
    }

    @Test
    void refusal_codes_are_lower_case_names() {
        assertEquals("ek_untrusted", Refusal.EK_UNTRUSTED.code());
    }
}
