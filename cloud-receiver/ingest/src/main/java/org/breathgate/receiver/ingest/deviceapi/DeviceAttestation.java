package org.breathgate.receiver.ingest.deviceapi;

import com.fasterxml.jackson.databind.JsonNode;
import org.breathgate.attestation.AttestationException;
import org.breathgate.attestation.AttestationJson;
import org.breathgate.attestation.AttestationProof;
import org.breathgate.attestation.AttestationRequest;
import org.breathgate.attestation.AttestationVerifier;
import org.breathgate.attestation.Challenge;
import org.breathgate.attestation.HardwareBinding;
import org.breathgate.attestation.PendingChallenge;
import org.breathgate.attestation.Refusal;
import org.breathgate.attestation.TrustAnchors;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.receiver.evidence.device.KeyAttestation;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;

/**
 * TPM attestation at enrollment as this receiver offers it (docs/protocol.md, "TPM attestation at enrollment"): the
 * {@link AttestationVerifier} with the configured TPM vendors' CAs, and the open challenges between step 1 and step 2.
 *
 * <p>Open challenges (their secret, nonce and request) are kept in the database ({@link OpenChallenges}), each for one
 * use and at most {@link AttestationVerifier#CHALLENGE_LIFETIME}; a challenge is bound to the enrollment code it was asked
 * with. Every receiver on one database can take step 2, whichever answered step 1, and a restart forgets nothing.
 * Thread-safe.
 */
public final class DeviceAttestation {

    /** Open challenges kept at most; beyond this (after dropping expired ones) step 1 answers 503 {@code busy}. */
    public static final int MAX_OPEN_CHALLENGES = OpenChallenges.MAX_OPEN;

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final AttestationVerifier verifier;
    private final boolean required;
    private final Clock clock;
    private DeviceAttestation(AttestationVerifier verifier, boolean required, Clock clock) {
        this.verifier = verifier;
        this.required = required;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A receiver that does not offer attestation: step 1 is 404 and every key is enrolled as a software key. */
    public static DeviceAttestation notOffered(Clock clock) {
        return new DeviceAttestation(null, false, clock);
    }

    /**
     * Offers attestation against {@code vendors}.
     *
     * @param required whether new enrollments (and rotations of hardware-bound keys) must prove a TPM-held key
     */
    public static DeviceAttestation offered(TrustAnchors vendors, boolean required, Clock clock, SecureRandom random) {
        return new DeviceAttestation(new AttestationVerifier(vendors, clock, random), required, clock);
    }

    public boolean isOffered() {
        return verifier != null;
    }

    /** Whether a key must be hardware-bound to be enrolled. */
    public boolean isRequired() {
        return required;
    }

    /**
     * Step 1, for a checked, valid enrollment code ({@code codeHash}); the challenge is kept in {@code open}.
     *
     * @throws ApiException 503 {@code busy} when too many challenges are open
     */
    Challenge challenge(AttestationRequest request, String codeHash, OpenChallenges open) throws AttestationException {
        if (!isOffered()) {
            throw new IllegalStateException("attestation is not offered");
        }
        PendingChallenge pending = verifier.challenge(request);
        open.add(pending, codeHash);
        return pending.challenge();
    }

    /** A verified step 2: the challenge it answered and what it established. */
    record Verified(PendingChallenge pending, AttestationProof proof, HardwareBinding binding) {
    }

    /**
     * A key rotated within the TPM ({@link AttestationVerifier#verifyRotation}), signed by {@code current}, an attested key:
     * what to register beside the new key, its record carrying the current key's EK certificate and AK.
     *
     * @param nonce       the signed rotation request's nonce, which the TPM's certification must carry
     * @param attestation the request's {@code attestation} object
     */
    KeyAttestation verifyRotation(KeyAttestation current, byte[] nonce, JsonNode attestation, VerificationKey newKey)
            throws AttestationException {
        if (!isOffered()) {
            throw new IllegalStateException("attestation is not offered");
        }
        JsonNode previous;
        try {
            previous = JSON.readTree(current.record());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AttestationException(Refusal.MALFORMED, "the current key's stored attestation record is not JSON");
        }
        AttestationProof proof = AttestationJson.rotationProof(attestation);
        HardwareBinding b = verifier.verifyRotation(previous, nonce, proof, newKey);
        return new KeyAttestation(b.tpmManufacturer(), b.tpmModel(), b.tpmVersion(), b.ekCertificateSha256(), b.ekIssuer(), b.trustAnchor(),
                b.attestedAt(), AttestationJson.rotationRecord(newKey.keyId().toString(), previous, nonce, proof, b).toString());
    }

    /** Step 2: the challenge is used up whatever the outcome. */
    Verified verify(AttestationProof proof, String codeHash, VerificationKey key, OpenChallenges open) throws AttestationException {
        if (!isOffered()) {
            throw new IllegalStateException("attestation is not offered");
        }
        OpenChallenges.Open o = open.take(proof.challengeId()).orElse(null);
        if (o == null) {
            throw new AttestationException(Refusal.CHALLENGE_EXPIRED, "no open challenge " + proof.challengeId()
                    + " (unknown, used, or expired); start again from step 1");
        }
        if (!o.codeHash().equals(codeHash)) {
            throw new AttestationException(Refusal.CHALLENGE_EXPIRED, "the challenge was asked for with another enrollment code");
        }
        return new Verified(o.pending(), proof, verifier.verify(o.pending(), proof, key));
    }
}
