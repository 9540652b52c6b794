package org.breathgate.attestation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.VerificationKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The verifier's checks on structures captured from a real TPM (swtpm), without a TPM: the EK chain,
 * and TPM2_CertifyCreation's attestation, signature, nonce, key name and creation data.
 */
class AttestationVectorTest {

    private static final KeyId KID = new KeyId("home-0042", 1);
    private JsonNode v;
    private TpmStructures.EccPublic ak;
    private VerificationKey key;

    private byte[] b(String field) {
        return Base64.getUrlDecoder().decode(v.get(field).asText());
    }

    @BeforeEach
    void read() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/swtpm-attestation-vector.json")) {
            v = new ObjectMapper().readTree(in);
        }
        ak = TpmStructures.eccPublicFromTpm2b(b("ak_public"));
        key = VerificationKey.fromPem(KID, v.get("key_pem").asText());
    }

    private AttestationProof proof(byte[] keyPublic, byte[] info) {
        return new AttestationProof("c", new byte[32], keyPublic, b("creation_data"), info, b("certify_signature"));
    }

    @Test
    void the_captured_certification_verifies() throws Exception {
        TpmStructures.CreationAttest attest = AttestationVerifier.checkCertification(ak, b("nonce"),
                proof(b("key_public"), b("certify_info")), key);
        assertEquals("breathgate test vector nonce 32B", new String(attest.extraData(), java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void the_captured_ek_certificate_chains_to_its_ca_and_to_no_other() throws IOException, AttestationException {
        TrustAnchors swtpm = TrustAnchors.fromPem(List.of(v.get("ca_root_pem").asText(), v.get("ca_issuer_pem").asText()));
        EkCertificates.Verified ek = EkCertificates.verify(b("ek_certificate"), List.of(), swtpm, Instant.parse("2030-01-01T00:00:00Z"));
        assertEquals("swtpm", ek.model());
        TrustAnchors rootOnly = TrustAnchors.fromPem(List.of(v.get("ca_root_pem").asText()));
        assertEquals(Refusal.EK_UNTRUSTED, assertThrows(AttestationException.class,
                () -> EkCertificates.verify(b("ek_certificate"), List.of(), rootOnly, Instant.parse("2030-01-01T00:00:00Z"))).refusal());
        // The device may bring the intermediate itself: it helps build the path but is not trusted on its own.
        byte[] issuerDer = java.util.Base64.getMimeDecoder().decode(v.get("ca_issuer_pem").asText()
                .replace("-----BEGIN CERTIFICATE-----", "").replace("-----END CERTIFICATE-----", ""));
        EkCertificates.verify(b("ek_certificate"), List.of(issuerDer), rootOnly, Instant.parse("2030-01-01T00:00:00Z"));
    }

    @Test
    void another_nonce_another_key_or_a_changed_byte_is_refused() {
        assertEquals(Refusal.WRONG_NONCE, assertThrows(AttestationException.class, () -> AttestationVerifier.checkCertification(ak,
                new byte[32], proof(b("key_public"), b("certify_info")), key)).refusal());
        VerificationKey software = SigningKey.generateP256(KID, new SecureRandom()).verificationKey();
        assertEquals(Refusal.DIFFERENT_KEY, assertThrows(AttestationException.class, () -> AttestationVerifier.checkCertification(ak,
                b("nonce"), proof(b("key_public"), b("certify_info")), software)).refusal());
        byte[] info = b("certify_info");
        info[10] ^= 1;
        assertEquals(Refusal.BAD_ATTESTATION_SIGNATURE, assertThrows(AttestationException.class, () -> AttestationVerifier.checkCertification(
                ak, b("nonce"), proof(b("key_public"), info), key)).refusal());
        byte[] otherAk = b("key_public"); // a non-restricted key's public area cannot stand in for the AK: its signature fails
        assertEquals(Refusal.BAD_ATTESTATION_SIGNATURE, assertThrows(AttestationException.class, () -> AttestationVerifier.checkCertification(
                TpmStructures.eccPublicFromTpm2b(otherAk), b("nonce"), proof(b("key_public"), b("certify_info")), key)).refusal());
    }

    @Test
    void the_names_and_attributes_read_from_the_tpm_are_what_the_tpm_made() throws Exception {
        TpmStructures.EccPublic k = TpmStructures.eccPublicFromTpm2b(b("key_public"));
        assertEquals(0x00040072, k.attributes()); // fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|sign
        assertEquals(0x00050072, ak.attributes()); // ... and restricted
        assertEquals(34, k.name().length);
        org.junit.jupiter.api.Assertions.assertArrayEquals(key.raw(), k.uncompressedPoint());
    }
}
