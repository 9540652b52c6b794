package org.breathgate.attestation;

import com.fasterxml.jackson.databind.JsonNode;

import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.breathgate.protocol.KeyType;
import org.breathgate.protocol.VerificationKey;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The receiver's side of TPM attestation at enrollment (docs/protocol.md, "TPM attestation at
 * enrollment"). Pure: no I/O, no storage; time and randomness are passed in. The receiver calls
 * {@link #challenge} on step 1, keeps the {@link PendingChallenge} (once, until it expires), and calls
 * {@link #verify} on step 2 with the key being enrolled. Either refuses with a typed
 * {@link AttestationException}.
 *
 * <p>What a success proves: the EK certificate chains to a configured vendor root; the AK is a
 * restricted signing key inside the TPM that holds that EK (it opened the credential); the AK
 * certified, with this challenge's nonce, the creation of exactly the key being enrolled; and that key
 * was made inside the TPM and can never leave it ({@code fixedTPM}, {@code fixedParent},
 * {@code sensitiveDataOrigin}). What it cannot prove: anything about the sensor on the serial line.
 *
 * <p>Thread-safe.
 */
public final class AttestationVerifier {

    /** How long a challenge may be answered: long enough for a Pi's TPM (a few seconds), short enough to bound what a receiver keeps. */
    public static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(10);

    static final int SECRET_BYTES = 32;
    static final int NONCE_BYTES = 32;
    private static final int AK_REQUIRED = TpmStructures.FIXED_TPM | TpmStructures.FIXED_PARENT | TpmStructures.SENSITIVE_DATA_ORIGIN
            | TpmStructures.RESTRICTED | TpmStructures.SIGN;
    private static final int KEY_REQUIRED = TpmStructures.FIXED_TPM | TpmStructures.FIXED_PARENT | TpmStructures.SENSITIVE_DATA_ORIGIN
            | TpmStructures.SIGN;
    private static final ECNamedDomainParameters P256 = ECNamedDomainParameters.lookup(SECObjectIdentifiers.secp256r1);

    private final TrustAnchors trust;
    private final Clock clock;
    private final SecureRandom random;

    public AttestationVerifier(TrustAnchors trust, Clock clock, SecureRandom random) {
        this.trust = Objects.requireNonNull(trust, "trust");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Step 1: checks the EK certificate's chain and the AK's public area, and makes a credential only
     * that TPM can open for that AK, and a nonce.
     */
    public PendingChallenge challenge(AttestationRequest request) throws AttestationException {
        EkCertificates.Verified ek = EkCertificates.verify(request.ekCertificate(), request.ekChain(), trust, clock.instant());
        TpmStructures.EccPublic ak = TpmStructures.eccPublicFromTpm2b(request.akPublic());
        if (!ak.has(AK_REQUIRED) || ak.has(TpmStructures.DECRYPT)) {
            throw new AttestationException(Refusal.AK_NOT_BOUND, "the attestation key must be a restricted signing key made in the TPM"
                    + " (fixedTPM, fixedParent, sensitiveDataOrigin, restricted, sign); its attributes are 0x"
                    + Integer.toHexString(ak.attributes()));
        }
        if (ak.scheme() != TpmStructures.ALG_ECDSA || ak.schemeHash() != TpmStructures.ALG_SHA256) {
            throw new AttestationException(Refusal.AK_NOT_BOUND, "the attestation key must sign with ECDSA and SHA-256"
                    + " (tpm2_createak -G ecc -g sha256 -s ecdsa)");
        }
        byte[] secret = bytes(SECRET_BYTES);
        MakeCredential.Blob blob = MakeCredential.make(ek.ek(), ak.name(), secret, random);
        Challenge challenge = new Challenge(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(16)), blob.credentialBlob(),
                blob.encryptedSecret(), bytes(NONCE_BYTES), clock.instant().plus(CHALLENGE_LIFETIME));
        return new PendingChallenge(request, challenge, secret);
    }

    /**
     * Step 2: checks the activated secret, then the TPM's certification of {@code enrolledKey}'s
     * creation.
     *
     * @param pending     what {@link #challenge} returned for {@code proof.challengeId()}
     * @param enrolledKey the public key the device enrolls (its JWK), which must be the certified one
     */
    public HardwareBinding verify(PendingChallenge pending, AttestationProof proof, VerificationKey enrolledKey) throws AttestationException {
        Objects.requireNonNull(pending, "pending");
        Objects.requireNonNull(proof, "proof");
        Objects.requireNonNull(enrolledKey, "enrolledKey");
        Challenge challenge = pending.challenge();
        if (!challenge.id().equals(proof.challengeId())) {
            throw new AttestationException(Refusal.CHALLENGE_EXPIRED, "the proof answers challenge " + proof.challengeId()
                    + ", not " + challenge.id());
        }
        Instant now = clock.instant();
        if (now.isAfter(challenge.expires())) {
            throw new AttestationException(Refusal.CHALLENGE_EXPIRED, "the challenge expired at " + challenge.expires()
                    + "; run setup again for a new one");
        }
        if (!TpmStructures.constantTimeEquals(pending.secret(), proof.secret())) {
            throw new AttestationException(Refusal.CREDENTIAL_NOT_ACTIVATED, "the secret sent back is not the one encrypted to the EK:"
                    + " the attestation key is not in the TPM that the EK certificate names");
        }
        // The chain was checked at step 1; checked again so that a binding is never issued on a chain that has since expired.
        EkCertificates.Verified ek = EkCertificates.verify(pending.request().ekCertificate(), pending.request().ekChain(), trust, now);
        TpmStructures.EccPublic ak = TpmStructures.eccPublicFromTpm2b(pending.request().akPublic());
        TpmStructures.CreationAttest attest = checkCertification(ak, challenge.nonce(), proof, enrolledKey);
        return new HardwareBinding(enrolledKey.fingerprint(), ek.manufacturer(), ek.model(), ek.version(), attest.firmwareVersion(),
                HexFormat.of().formatHex(TpmStructures.sha256(pending.request().ekCertificate())),
                ek.certificate().getIssuerX500Principal().getName(), ek.anchor(), now);
    }

    /**
     * A key rotated within the TPM: the AK of the device's current, attested key (its {@code currentRecord}: the TPM the EK
     * certificate names, the AK a receiver's credential activation found in it at enrollment) certified the new key's
     * creation, with {@code nonce} (the signed rotation request's own, which the receiver checks is fresh and unused) as
     * qualifying data. The EK chain, and the revocation lists, are checked again now.
     *
     * @param currentRecord the attestation record of the key that signed the rotation request
     * @param newKey        the rotated key (its JWK), which must be the certified one
     */
    public HardwareBinding verifyRotation(JsonNode currentRecord, byte[] nonce, AttestationProof proof, VerificationKey newKey)
            throws AttestationException {
        Objects.requireNonNull(currentRecord, "currentRecord");
        Objects.requireNonNull(newKey, "newKey");
        AttestationRequest request = AttestationJson.request(currentRecord);
        Instant now = clock.instant();
        EkCertificates.Verified ek = EkCertificates.verify(request.ekCertificate(), request.ekChain(), trust, now);
        TpmStructures.EccPublic ak = TpmStructures.eccPublicFromTpm2b(request.akPublic());
        TpmStructures.CreationAttest attest = checkCertification(ak, nonce, proof, newKey);
        return new HardwareBinding(newKey.fingerprint(), ek.manufacturer(), ek.model(), ek.version(), attest.firmwareVersion(),
                HexFormat.of().formatHex(TpmStructures.sha256(request.ekCertificate())), ek.certificate().getIssuerX500Principal().getName(),
                ek.anchor(), now);
    }

    /** The parts of step 2 that do not need the secret: what the AK certified, about which key, with which nonce. */
    static TpmStructures.CreationAttest checkCertification(TpmStructures.EccPublic ak, byte[] nonce, AttestationProof proof,
                                                           VerificationKey enrolledKey) throws AttestationException {
        TpmStructures.CreationAttest attest = TpmStructures.creationAttest(proof.certifyInfo());
        if (!verifyEcdsa(ak, proof.certifyInfo(), proof.certifySignature())) {
            throw new AttestationException(Refusal.BAD_ATTESTATION_SIGNATURE, "the creation certificate is not signed by the attestation key");
        }
        if (!TpmStructures.constantTimeEquals(attest.extraData(), nonce)) {
            throw new AttestationException(Refusal.WRONG_NONCE, "the creation certificate's qualifying data is not this challenge's nonce:"
                    + " it was made for another exchange (replayed)");
        }
        TpmStructures.EccPublic key = TpmStructures.eccPublicFromTpm2b(proof.keyPublic());
        if (!TpmStructures.constantTimeEquals(attest.objectName(), key.name())) {
            throw new AttestationException(Refusal.DIFFERENT_KEY, "the TPM certified the creation of another key than the public area sent");
        }
        if (enrolledKey.type() != KeyType.P256 || !TpmStructures.constantTimeEquals(enrolledKey.raw(), key.uncompressedPoint())) {
            throw new AttestationException(Refusal.DIFFERENT_KEY, "the key being enrolled (" + enrolledKey.type() + ", sha256:"
                    + enrolledKey.fingerprint().substring(0, 16) + ") is not the key the TPM certified");
        }
        if (!key.has(KEY_REQUIRED) || key.has(TpmStructures.RESTRICTED) || key.has(TpmStructures.DECRYPT)) {
            throw new AttestationException(Refusal.KEY_NOT_BOUND, "the key must be made in the TPM and unable to leave it"
                    + " (fixedTPM, fixedParent, sensitiveDataOrigin) and sign (not restricted, not decrypt); its attributes are 0x"
                    + Integer.toHexString(key.attributes()));
        }
        byte[] creationData = TpmStructures.creationDataFromTpm2b(proof.creationData());
        if (!TpmStructures.constantTimeEquals(attest.creationHash(), TpmStructures.sha256(creationData))) {
            throw new AttestationException(Refusal.CREATION_DATA_MISMATCH, "the creation data sent does not hash to the creation hash"
                    + " the TPM certified");
        }
        return attest;
    }

    private static boolean verifyEcdsa(TpmStructures.EccPublic ak, byte[] signed, byte[] tpmtSignature) throws AttestationException {
        byte[][] rs = TpmStructures.ecdsaSignature(tpmtSignature);
        ECPublicKeyParameters key;
        try {
            key = new ECPublicKeyParameters(P256.getCurve().decodePoint(ak.uncompressedPoint()), P256);
        } catch (IllegalArgumentException e) {
            throw new AttestationException(Refusal.AK_NOT_BOUND, "the attestation key is not a point on P-256", e);
        }
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, key);
        return verifier.verifySignature(TpmStructures.sha256(signed), new BigInteger(1, rs[0]), new BigInteger(1, rs[1]));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
