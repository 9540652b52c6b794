package org.breathgate.receiver.ingest.deviceapi;

import org.breathgate.attestation.AttestationException;
import org.breathgate.attestation.AttestationProof;
import org.breathgate.attestation.AttestationRequest;
import org.breathgate.attestation.AttestationVerifier;
import org.breathgate.attestation.Challenge;
import org.breathgate.attestation.HardwareBinding;
import org.breathgate.attestation.PendingChallenge;
import org.breathgate.attestation.Refusal;
import org.breathgate.attestation.TrustAnchors;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.receiver.https.ApiException;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TPM attestation at enrollment as this receiver offers it (docs/protocol.md, "TPM attestation at enrollment"): the
 * {@link AttestationVerifier} with the configured TPM vendors' CAs, and the open challenges between step 1 and step 2.
 *
 * <p>Open challenges (their secret, nonce and request) live only in this process's memory, each for one use and at most
 * {@link AttestationVerifier#CHALLENGE_LIFETIME}; a challenge is bound to the enrollment code it was asked with. Behind a
 * load balancer both steps must reach the same receiver instance (a restarted receiver forgets its challenges: the device
 * gets {@code challenge_expired} and runs setup again). Thread-safe.
 */
public final class DeviceAttestation {

    /** Open challenges kept at most; beyond this (after dropping expired ones) step 1 answers 503 {@code busy}. */
    public static final int MAX_OPEN_CHALLENGES = 1000;

    private final AttestationVerifier verifier;
    private final boolean required;
    private final Clock clock;
    private final Map<String, Open> open = new ConcurrentHashMap<>();

    private record Open(PendingChallenge pending, String codeHash) {
    }

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

    /** Step 1, for a checked, valid enrollment code ({@code codeHash}). */
    Challenge challenge(AttestationRequest request, String codeHash) throws AttestationException {
        if (!isOffered()) {
            throw new IllegalStateException("attestation is not offered");
        }
        Instant now = clock.instant();
        open.values().removeIf(o -> now.isAfter(o.pending().challenge().expires()));
        if (open.size() >= MAX_OPEN_CHALLENGES) {
            throw new ApiException(503, "busy", "too many attestations are under way; try again in a minute",
                    Map.of("Retry-After", "60"));
        }
        PendingChallenge pending = verifier.challenge(request);
        open.put(pending.challenge().id(), new Open(pending, codeHash));
        return pending.challenge();
    }

    /** A verified step 2: the challenge it answered and what it established. */
    record Verified(PendingChallenge pending, AttestationProof proof, HardwareBinding binding) {
    }

    /** Step 2: the challenge is used up whatever the outcome. */
    Verified verify(AttestationProof proof, String codeHash, VerificationKey key) throws AttestationException {
        if (!isOffered()) {
            throw new IllegalStateException("attestation is not offered");
        }
        Open o = open.remove(proof.challengeId());
        if (o == null) {
            throw new AttestationException(Refusal.CHALLENGE_EXPIRED, "no open challenge " + proof.challengeId()
                    + " (unknown, used, or this receiver restarted); start again from step 1");
        }
        if (!o.codeHash().equals(codeHash)) {
            throw new AttestationException(Refusal.CHALLENGE_EXPIRED, "the challenge was asked for with another enrollment code");
        }
        return new Verified(o.pending(), proof, verifier.verify(o.pending(), proof, key));
    }
}
