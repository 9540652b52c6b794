package org.breathgate.attestation;

import java.util.Objects;

/**
 * What the receiver keeps between the two steps (and never sends): the request, the challenge sent,
 * and the credential's plain secret. Use once; keep it no longer than {@link Challenge#expires()}.
 */
public record PendingChallenge(AttestationRequest request, Challenge challenge, byte[] secret) {

    public PendingChallenge {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(challenge, "challenge");
        secret = secret.clone();
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }
}
