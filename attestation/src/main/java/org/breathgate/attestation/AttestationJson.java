package org.breathgate.attestation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The exchange's JSON, one home for both sides (docs/protocol.md, "TPM attestation at enrollment"):
 * every binary field is unpadded base64url of the exact TPM or DER bytes; times are RFC 3339 UTC.
 * Unknown fields are ignored; a missing or malformed field is {@link Refusal#MALFORMED}.
 */
public final class AttestationJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private AttestationJson() {
    }

    /** Step 1's attestation fields: {@code ek_certificate}, {@code ek_chain}, {@code ak_public}. */
    public static ObjectNode toJson(AttestationRequest request) {
        ObjectNode o = JSON.createObjectNode();
        o.put("ek_certificate", B64.encodeToString(request.ekCertificate()));
        ArrayNode chain = o.putArray("ek_chain");
        request.ekChain().forEach(c -> chain.add(B64.encodeToString(c)));
        o.put("ak_public", B64.encodeToString(request.akPublic()));
        return o;
    }

    public static AttestationRequest request(JsonNode o) throws AttestationException {
        List<byte[]> chain = new ArrayList<>();
        JsonNode c = o.path("ek_chain");
        if (!c.isMissingNode() && !c.isNull()) {
            if (!c.isArray() || c.size() > 8) {
                throw new AttestationException(Refusal.MALFORMED, "ek_chain must be an array of at most 8 certificates");
            }
            for (JsonNode e : c) {
                chain.add(decode(e, "ek_chain[]"));
            }
        }
        return new AttestationRequest(bytes(o, "ek_certificate"), chain, bytes(o, "ak_public"));
    }

    /** Step 1's answer: {@code challenge_id}, {@code credential_blob}, {@code encrypted_secret}, {@code nonce}, {@code expires}. */
    public static ObjectNode toJson(Challenge challenge) {
        ObjectNode o = JSON.createObjectNode();
        o.put("challenge_id", challenge.id());
        o.put("credential_blob", B64.encodeToString(challenge.credentialBlob()));
        o.put("encrypted_secret", B64.encodeToString(challenge.encryptedSecret()));
        o.put("nonce", B64.encodeToString(challenge.nonce()));
        o.put("expires", challenge.expires().toString());
        return o;
    }

    public static Challenge challenge(JsonNode o) throws AttestationException {
        Instant expires;
        try {
            expires = Instant.parse(text(o, "expires"));
        } catch (DateTimeParseException e) {
            throw new AttestationException(Refusal.MALFORMED, "expires is not an RFC 3339 UTC time", e);
        }
        return new Challenge(text(o, "challenge_id"), bytes(o, "credential_blob"), bytes(o, "encrypted_secret"), bytes(o, "nonce"), expires);
    }

    /** Step 2's {@code attestation} object. */
    public static ObjectNode toJson(AttestationProof proof) {
        ObjectNode o = JSON.createObjectNode();
        o.put("challenge_id", proof.challengeId());
        o.put("secret", B64.encodeToString(proof.secret()));
        o.put("key_public", B64.encodeToString(proof.keyPublic()));
        o.put("creation_data", B64.encodeToString(proof.creationData()));
        o.put("certify_info", B64.encodeToString(proof.certifyInfo()));
        o.put("certify_signature", B64.encodeToString(proof.certifySignature()));
        return o;
    }

    public static AttestationProof proof(JsonNode o) throws AttestationException {
        return new AttestationProof(text(o, "challenge_id"), bytes(o, "secret"), bytes(o, "key_public"), bytes(o, "creation_data"),
                bytes(o, "certify_info"), bytes(o, "certify_signature"));
    }

    /** The {@code format} of {@link #record}. */
    public static final String RECORD_FORMAT = "breathgate-tpm2-attestation-1";

    /**
     * The attestation record a receiver keeps beside an attested key (docs/protocol.md, "TPM
     * attestation at enrollment"): everything both steps sent except the secret, the nonce, and what
     * the verifier concluded. Anyone can re-check from it, offline, the EK chain and that the AK
     * certified this key's creation with this nonce; that the AK was in the EK's TPM rests on the
     * receiver's credential activation, recorded by {@code attested_at}.
     */
    public static ObjectNode record(String kid, PendingChallenge pending, AttestationProof proof, HardwareBinding binding) {
        return record(kid, pending.request(), pending.challenge().nonce(), proof, binding);
    }

    /**
     * The record of a key rotated within the TPM ({@link AttestationVerifier#verifyRotation}): the EK certificate and AK of
     * {@code previous} (the record of the key that signed the rotation), the rotation request's nonce, the AK's certification
     * of the new key, and in {@code result} also {@code rotated_from} (the previous key's kid) and {@code ak_activated_at}
     * (when a receiver's credential activation showed that AK in that TPM: at enrollment, carried from record to record).
     */
    public static ObjectNode rotationRecord(String kid, JsonNode previous, byte[] nonce, AttestationProof proof, HardwareBinding binding)
            throws AttestationException {
        ObjectNode o = record(kid, request(previous), nonce, proof, binding);
        ObjectNode r = (ObjectNode) o.get("result");
        r.put("rotated_from", text(previous, "kid"));
        r.put("ak_activated_at", akActivatedAt(previous).toString());
        return o;
    }

    /** When a receiver saw the record's AK activated in its EK's TPM: at enrollment, or as carried by a rotation. */
    public static Instant akActivatedAt(JsonNode record) throws AttestationException {
        JsonNode result = record.path("result");
        try {
            return Instant.parse(result.hasNonNull("ak_activated_at") ? result.get("ak_activated_at").asText() : text(result, "attested_at"));
        } catch (DateTimeParseException e) {
            throw new AttestationException(Refusal.MALFORMED, "the record's result.attested_at is not an RFC 3339 time", e);
        }
    }

    /**
     * The {@code attestation} of a key rotation request (docs/protocol.md): {@code key_public}, {@code creation_data},
     * {@code certify_info} and {@code certify_signature}, with no challenge or secret (the AK was activated at enrollment).
     */
    public static AttestationProof rotationProof(JsonNode o) throws AttestationException {
        return new AttestationProof("rotation", new byte[0], bytes(o, "key_public"), bytes(o, "creation_data"), bytes(o, "certify_info"),
                bytes(o, "certify_signature"));
    }

    /** A rotation request's {@code attestation} object ({@link #rotationProof} reads it). */
    public static ObjectNode toRotationJson(AttestationProof proof) {
        ObjectNode o = toJson(proof);
        o.remove("challenge_id");
        o.remove("secret");
        return o;
    }

    private static ObjectNode record(String kid, AttestationRequest request, byte[] nonce, AttestationProof proof, HardwareBinding binding) {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", RECORD_FORMAT);
        o.put("kid", kid);
        o.put("key_sha256", binding.keyFingerprint());
        o.setAll(toJson(request));
        o.put("nonce", B64.encodeToString(nonce));
        ObjectNode p = toJson(proof);
        p.remove("secret");
        p.remove("challenge_id");
        o.setAll(p);
        ObjectNode r = o.putObject("result");
        r.put("tpm_manufacturer", binding.tpmManufacturer());
        r.put("tpm_model", binding.tpmModel());
        r.put("tpm_version", binding.tpmVersion());
        r.put("firmware_version", binding.firmwareVersion());
        r.put("ek_certificate_sha256", binding.ekCertificateSha256());
        r.put("ek_issuer", binding.ekIssuer());
        r.put("trust_anchor", binding.trustAnchor());
        r.put("attested_at", binding.attestedAt().toString());
        return o;
    }

    static String text(JsonNode o, String field) throws AttestationException {
        JsonNode n = o == null ? null : o.get(field);
        if (n == null || !n.isTextual() || n.textValue().isEmpty() || n.textValue().length() > 8192) {
            throw new AttestationException(Refusal.MALFORMED, field + " is missing or not a string");
        }
        return n.textValue();
    }

    static byte[] bytes(JsonNode o, String field) throws AttestationException {
        return decode(o == null ? null : o.get(field), field);
    }

    private static byte[] decode(JsonNode n, String field) throws AttestationException {
        if (n == null || !n.isTextual() || n.textValue().length() > 8192) {
            throw new AttestationException(Refusal.MALFORMED, field + " is missing, not a string or too long");
        }
        try {
            byte[] b = Base64.getUrlDecoder().decode(n.textValue());
            if (!B64.encodeToString(b).equals(n.textValue())) {
                throw new IllegalArgumentException("not canonical unpadded base64url");
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw new AttestationException(Refusal.MALFORMED, field + " is not unpadded base64url", e);
        }
    }
}
