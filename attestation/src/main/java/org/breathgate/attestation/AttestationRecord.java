package org.breathgate.attestation;

import com.fasterxml.jackson.databind.JsonNode;
import org.breathgate.protocol.VerificationKey;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks an attestation record ({@link AttestationJson#record}, format {@value AttestationJson#RECORD_FORMAT}) again,
 * offline, against the key it is about: what anyone holding the record can re-check without the receiver. That is: the
 * attestation key (AK) signed the TPM's certification of the creation of exactly this key, with the challenge's nonce;
 * the key's TPM attributes keep it inside the TPM; the creation data is what was certified; the EK certificate is the
 * one the record's result names; and, given the TPM vendors' CAs, that the EK certificate chained to one of them at
 * {@code attested_at}.
 *
 * <p>What it cannot re-check: that the AK was inside the same TPM as the EK. The receiver proved that once, by the
 * credential only that TPM could open (its secret is not kept); the record says when.
 */
public final class AttestationRecord {

    /**
     * What a record showed.
     *
     * @param kid                 the key id the record was made for
     * @param tpmManufacturer     the TPM's maker from the EK certificate (read again from it when vendors were given)
     * @param tpmModel            the TPM model
     * @param ekCertificateSha256 SHA-256 of the EK certificate's DER, hex (recomputed)
     * @param ekIssuer            the EK certificate's issuer as the record states it
     * @param chainedTo           the vendor root the EK certificate chained to, if vendors were given to check against
     * @param attestedAt          when the receiver verified the attestation (and activated the credential)
     */
    public record Checked(String kid, String tpmManufacturer, String tpmModel, String ekCertificateSha256, String ekIssuer,
                          Optional<String> chainedTo, Instant attestedAt, Instant akActivatedAt, Optional<String> rotatedFrom) {
    }

    private AttestationRecord() {
    }

    /**
     * @param record  the attestation record (JSON)
     * @param key     the public key the record must be about (its kid is not compared here: see {@link Checked#kid()})
     * @param vendors the TPM vendors' CAs to check the EK certificate's chain against, or {@code null} to leave it unchecked
     * @throws AttestationException with the refusal code of the first check that fails ({@link Refusal#MALFORMED} for a
     *                              record that is not one)
     */
    public static Checked check(JsonNode record, VerificationKey key, TrustAnchors vendors) throws AttestationException {
        Objects.requireNonNull(key, "key");
        if (record == null || !record.isObject() || !AttestationJson.RECORD_FORMAT.equals(record.path("format").asText())) {
            throw new AttestationException(Refusal.MALFORMED, "not an attestation record (format " + AttestationJson.RECORD_FORMAT + ")");
        }
        String kid = AttestationJson.text(record, "kid");
        if (!key.fingerprint().equals(record.path("key_sha256").asText())) {
            throw new AttestationException(Refusal.DIFFERENT_KEY, "the record is about the key sha256:" + record.path("key_sha256").asText()
                    + ", not sha256:" + key.fingerprint());
        }
        AttestationRequest request = AttestationJson.request(record);
        byte[] nonce = AttestationJson.bytes(record, "nonce");
        AttestationProof proof = new AttestationProof("record", new byte[0], AttestationJson.bytes(record, "key_public"),
                AttestationJson.bytes(record, "creation_data"), AttestationJson.bytes(record, "certify_info"),
                AttestationJson.bytes(record, "certify_signature"));
        TpmStructures.EccPublic ak = TpmStructures.eccPublicFromTpm2b(request.akPublic());
        AttestationVerifier.checkCertification(ak, nonce, proof, key);
        JsonNode result = record.path("result");
        Instant attestedAt;
        try {
            attestedAt = Instant.parse(AttestationJson.text(result, "attested_at"));
        } catch (DateTimeParseException e) {
            throw new AttestationException(Refusal.MALFORMED, "result.attested_at is not an RFC 3339 time", e);
        }
        String ekSha256 = HexFormat.of().formatHex(TpmStructures.sha256(request.ekCertificate()));
        if (!ekSha256.equals(result.path("ek_certificate_sha256").asText())) {
            throw new AttestationException(Refusal.EK_CERTIFICATE_INVALID, "the record's result names another EK certificate (sha256:"
                    + result.path("ek_certificate_sha256").asText() + ") than the one it holds (sha256:" + ekSha256 + ")");
        }
        String manufacturer = result.path("tpm_manufacturer").asText("unknown");
        String model = result.path("tpm_model").asText("unknown");
        Optional<String> chainedTo = Optional.empty();
        if (vendors != null) {
            EkCertificates.Verified ek = EkCertificates.verify(request.ekCertificate(), request.ekChain(), vendors, attestedAt);
            manufacturer = ek.manufacturer();
            model = ek.model();
            chainedTo = Optional.of(ek.anchor());
        }
        return new Checked(kid, manufacturer, model, ekSha256, result.path("ek_issuer").asText(""), chainedTo, attestedAt,
                AttestationJson.akActivatedAt(record), Optional.ofNullable(result.path("rotated_from").textValue()));
    }
}
