package org.breathgate.attestation;

import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.testkit.ManualClock;
import org.breathgate.testkit.SoftwareTpm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verifier against a real TPM 2.0 (swtpm) driven by tpm2-tools: one success, and each refusal. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AttestationVerifierIT {

    @TempDir
    Path dir;

    private SoftwareTpm.LocalCa vendor;
    private SoftwareTpm tpm;
    private ToolsDevice device;
    private AttestationVerifier verifier;
    private final ManualClock clock = new ManualClock(Instant.now());

    @BeforeEach
    void start() throws Exception {
        vendor = SoftwareTpm.LocalCa.in(dir.resolve("vendor-ca"));
        tpm = SoftwareTpm.start(dir.resolve("tpm"), vendor);
        device = new ToolsDevice(tpm, dir.resolve("tpm"));
        clock.set(Instant.now().plusSeconds(1)); // the vendor CA and EK certificate were just made, valid from this second on
        verifier = new AttestationVerifier(trusting(vendor), clock, new SecureRandom());
    }

    @AfterEach
    void stop() {
        tpm.close();
    }

    private static TrustAnchors trusting(SoftwareTpm.LocalCa ca) throws Exception {
        return TrustAnchors.fromPem(List.of(Files.readString(ca.rootCertificate()), Files.readString(ca.issuerCertificate())));
    }

    /** Steps 1 and 2 on the TPM for a new key {@code prefix}: the challenge, its activated secret, the key and its certification. */
    private record Exchange(PendingChallenge pending, byte[] secret, VerificationKey key, AttestationProof proof) {
    }

    private Exchange exchange(String prefix) throws Exception {
        PendingChallenge pending = verifier.challenge(device.begin());
        byte[] secret = device.activate(pending.challenge());
        VerificationKey key = device.createKey(prefix);
        return new Exchange(pending, secret, key, device.certify(prefix, pending.challenge(), secret, pending.challenge().nonce()));
    }

    private AttestationException refused(PendingChallenge pending, AttestationProof proof, VerificationKey key) {
        return assertThrows(AttestationException.class, () -> verifier.verify(pending, proof, key));
    }

    @Test
    void a_key_made_in_a_tpm_whose_ek_chains_to_the_vendor_is_attested() throws Exception {
        PendingChallenge pending = verifier.challenge(device.begin());
        byte[] secret = device.activate(pending.challenge());
        assertArrayEquals(pending.secret(), secret, "the TPM opened our MakeCredential");
        VerificationKey key = device.createKey("key");
        HardwareBinding binding = verifier.verify(pending, device.certify("key", pending.challenge(), secret, pending.challenge().nonce()), key);
        assertEquals(key.fingerprint(), binding.keyFingerprint());
        assertEquals("id:00001014", binding.tpmManufacturer()); // swtpm's TCG vendor id (IBM)
        assertEquals("swtpm", binding.tpmModel());
        assertTrue(binding.trustAnchor().contains("swtpm-localca-rootca"), binding.trustAnchor());
        assertTrue(binding.ekIssuer().contains("swtpm-localca"), binding.ekIssuer());

        AttestationProof proof = device.certify("key", pending.challenge(), secret, pending.challenge().nonce());
        var record = AttestationJson.record("home-0042:1", pending, proof, binding);
        assertEquals(AttestationJson.RECORD_FORMAT, record.get("format").asText());
        assertEquals(key.fingerprint(), record.get("key_sha256").asText());
        assertTrue(!record.has("secret") && record.has("certify_info") && record.has("ek_certificate") && record.has("nonce"), record.toString());
        assertEquals("swtpm", record.get("result").get("tpm_model").asText());
    }

    @Test
    void a_key_rotated_within_the_tpm_is_attested_by_the_enrolled_keys_attestation_key_and_its_record_checks_offline() throws Exception {
        Exchange x = exchange("key");
        PendingChallenge pending = x.pending();
        VerificationKey first = x.key();
        AttestationProof enrolled = x.proof();
        var firstRecord = AttestationJson.record("home-0042:1", pending, enrolled, verifier.verify(pending, enrolled, first));

        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce); // the signed rotation request's own nonce
        VerificationKey rotated = device.createKey("rotated");
        AttestationProof proof = AttestationJson.rotationProof(AttestationJson.toRotationJson(
                device.certify("rotated", pending.challenge(), new byte[0], nonce)));
        clock.set(clock.instant().plusSeconds(3600));
        HardwareBinding binding = verifier.verifyRotation(firstRecord, nonce, proof, rotated);
        assertEquals(rotated.fingerprint(), binding.keyFingerprint());
        assertEquals(clock.instant(), binding.attestedAt());

        var record = AttestationJson.rotationRecord("home-0042:2", firstRecord, nonce, proof, binding);
        assertEquals("home-0042:1", record.get("result").get("rotated_from").asText());
        assertEquals(firstRecord.get("result").get("attested_at").asText(), record.get("result").get("ak_activated_at").asText());
        assertEquals(firstRecord.get("ak_public").asText(), record.get("ak_public").asText(), "the same TPM's attestation key");
        AttestationRecord.Checked checked = AttestationRecord.check(record, rotated, trusting(vendor));
        assertEquals("home-0042:2", checked.kid());
        assertEquals(java.util.Optional.of("home-0042:1"), checked.rotatedFrom());
        assertEquals(Instant.parse(firstRecord.get("result").get("attested_at").asText()), checked.akActivatedAt(),
                "the AK's activation was at enrollment, not at the rotation");

        // the certification must carry this request's nonce, be about this key, and come from the enrolled key's AK
        byte[] other = nonce.clone();
        other[0] ^= 1;
        assertEquals(Refusal.WRONG_NONCE, assertThrows(AttestationException.class,
                () -> verifier.verifyRotation(firstRecord, other, proof, rotated)).refusal());
        assertEquals(Refusal.DIFFERENT_KEY, assertThrows(AttestationException.class,
                () -> verifier.verifyRotation(firstRecord, nonce, proof, first)).refusal());
        try (SoftwareTpm forgers = SoftwareTpm.start(dir.resolve("forger"), SoftwareTpm.LocalCa.in(dir.resolve("forger-ca")))) {
            ToolsDevice forger = new ToolsDevice(forgers, dir.resolve("forger"));
            forger.begin();
            VerificationKey elsewhere = forger.createKey("elsewhere");
            AttestationProof foreign = forger.certify("elsewhere", pending.challenge(), new byte[0], nonce);
            assertEquals(Refusal.BAD_ATTESTATION_SIGNATURE, assertThrows(AttestationException.class,
                    () -> verifier.verifyRotation(firstRecord, nonce, foreign, elsewhere)).refusal(),
                    "a key another TPM made, certified by that TPM's AK");
        }
    }

    @Test
    void the_exchange_survives_its_json() throws Exception {
        AttestationRequest request = AttestationJson.request(AttestationJson.toJson(device.begin()));
        PendingChallenge pending = verifier.challenge(request);
        Challenge sent = AttestationJson.challenge(AttestationJson.toJson(pending.challenge()));
        byte[] secret = device.activate(sent);
        VerificationKey key = device.createKey("key");
        AttestationProof proof = AttestationJson.proof(AttestationJson.toJson(device.certify("key", sent, secret, sent.nonce())));
        assertEquals(key.fingerprint(), verifier.verify(pending, proof, key).keyFingerprint());
    }

    @Test
    void an_ek_that_does_not_chain_to_a_trusted_vendor_is_refused() throws Exception {
        SoftwareTpm.LocalCa other = SoftwareTpm.LocalCa.in(dir.resolve("other-ca"));
        try (SoftwareTpm foreign = SoftwareTpm.start(dir.resolve("foreign"), other)) {
            AttestationRequest request = new ToolsDevice(foreign, dir.resolve("foreign")).begin();
            AttestationException e = assertThrows(AttestationException.class, () -> verifier.challenge(request));
            assertEquals(Refusal.EK_UNTRUSTED, e.refusal(), e.getMessage());
        }
    }

    @Test
    void an_ek_certificate_outside_its_validity_is_refused() throws Exception {
        clock.set(Instant.parse("2000-01-01T00:00:00Z"));
        AttestationRequest request = device.begin();
        assertEquals(Refusal.EK_UNTRUSTED, assertThrows(AttestationException.class, () -> verifier.challenge(request)).refusal());
    }

    @Test
    void an_ak_from_another_tpm_cannot_open_the_credential() throws Exception {
        // A forger presents this TPM's (genuine, trusted) EK certificate but an AK of another TPM it controls:
        // only the TPM holding the EK can open the credential, so the forger cannot send the secret back.
        SoftwareTpm.LocalCa vendor = tpm.ca();
        try (SoftwareTpm forgers = SoftwareTpm.start(dir.resolve("forger"), vendor)) {
            ToolsDevice forger = new ToolsDevice(forgers, dir.resolve("forger"));
            AttestationRequest own = forger.begin();
            AttestationRequest genuine = device.begin();
            PendingChallenge pending = verifier.challenge(new AttestationRequest(genuine.ekCertificate(), List.of(), own.akPublic()));
            assertThrows(org.opentest4j.AssertionFailedError.class, () -> forger.activate(pending.challenge()),
                    "the forger's TPM must fail to activate a credential made for another EK");
            VerificationKey key = forger.createKey("key");
            AttestationProof guessed = forger.certify("key", pending.challenge(), new byte[32], pending.challenge().nonce());
            assertEquals(Refusal.CREDENTIAL_NOT_ACTIVATED, refused(pending, guessed, key).refusal());
        }
    }

    @Test
    void a_replayed_attestation_with_another_challenges_nonce_is_refused() throws Exception {
        AttestationRequest request = device.begin();
        PendingChallenge first = verifier.challenge(request);
        byte[] firstSecret = device.activate(first.challenge());
        VerificationKey key = device.createKey("key");
        AttestationProof old = device.certify("key", first.challenge(), firstSecret, first.challenge().nonce());
        verifier.verify(first, old, key);

        PendingChallenge second = verifier.challenge(request);
        byte[] secret = device.activate(second.challenge());
        AttestationProof replayed = new AttestationProof(second.challenge().id(), secret, old.keyPublic(), old.creationData(),
                old.certifyInfo(), old.certifySignature());
        assertEquals(Refusal.WRONG_NONCE, refused(second, replayed, key).refusal());
    }

    @Test
    void a_forged_attestation_is_refused() throws Exception {
        Exchange x = exchange("key");
        PendingChallenge pending = x.pending();
        byte[] secret = x.secret();
        VerificationKey key = x.key();
        AttestationProof genuine = x.proof();
        byte[] info = genuine.certifyInfo();
        info[info.length - 1] ^= 1; // a changed creation hash
        AttestationProof changed = new AttestationProof(genuine.challengeId(), secret, genuine.keyPublic(), genuine.creationData(), info,
                genuine.certifySignature());
        assertEquals(Refusal.BAD_ATTESTATION_SIGNATURE, refused(pending, changed, key).refusal());
        byte[] notTpm = genuine.certifyInfo();
        notTpm[0] = 0;
        assertEquals(Refusal.NOT_TPM_GENERATED, refused(pending, new AttestationProof(genuine.challengeId(), secret, genuine.keyPublic(),
                genuine.creationData(), notTpm, genuine.certifySignature()), key).refusal());
    }

    @Test
    void a_software_key_claiming_to_be_attested_is_refused() throws Exception {
        PendingChallenge pending = verifier.challenge(device.begin());
        byte[] secret = device.activate(pending.challenge());
        device.createKey("key");
        AttestationProof proof = device.certify("key", pending.challenge(), secret, pending.challenge().nonce());
        VerificationKey software = SigningKey.generateP256(new KeyId("home-0042", 1), new SecureRandom()).verificationKey();
        assertEquals(Refusal.DIFFERENT_KEY, refused(pending, proof, software).refusal());
        VerificationKey ed25519 = SigningKey.generate(new KeyId("home-0042", 1), new SecureRandom()).verificationKey();
        assertEquals(Refusal.DIFFERENT_KEY, refused(pending, proof, ed25519).refusal());
    }

    @Test
    void a_certification_of_a_different_key_is_refused() throws Exception {
        PendingChallenge pending = verifier.challenge(device.begin());
        byte[] secret = device.activate(pending.challenge());
        VerificationKey enrolled = device.createKey("enrolled");
        device.createKey("other");
        AttestationProof aboutOther = device.certify("other", pending.challenge(), secret, pending.challenge().nonce());
        assertEquals(Refusal.DIFFERENT_KEY, refused(pending, aboutOther, enrolled).refusal());
        // Nor can the other key's certificate be passed off with the enrolled key's public area:
        AttestationProof swapped = new AttestationProof(aboutOther.challengeId(), secret, device.file("enrolled.pub"),
                aboutOther.creationData(), aboutOther.certifyInfo(), aboutOther.certifySignature());
        assertEquals(Refusal.DIFFERENT_KEY, refused(pending, swapped, enrolled).refusal());
    }

    @Test
    void a_tpm_key_that_could_leave_the_tpm_is_refused() throws Exception {
        PendingChallenge pending = verifier.challenge(device.begin());
        byte[] secret = device.activate(pending.challenge());
        VerificationKey duplicable = device.createKey("dup", "sensitivedataorigin|userwithauth|sign");
        AttestationProof proof = device.certify("dup", pending.challenge(), secret, pending.challenge().nonce());
        assertEquals(Refusal.KEY_NOT_BOUND, refused(pending, proof, duplicable).refusal());
    }

    @Test
    void an_answer_after_the_challenge_expired_is_refused() throws Exception {
        Exchange x = exchange("key");
        PendingChallenge pending = x.pending();
        VerificationKey key = x.key();
        AttestationProof proof = x.proof();
        clock.advance(AttestationVerifier.CHALLENGE_LIFETIME.plus(Duration.ofSeconds(1)));
        assertEquals(Refusal.CHALLENGE_EXPIRED, refused(pending, proof, key).refusal());
    }

    @Test
    void creation_data_that_is_not_what_the_tpm_certified_is_refused() throws Exception {
        Exchange x = exchange("key");
        PendingChallenge pending = x.pending();
        byte[] secret = x.secret();
        VerificationKey key = x.key();
        AttestationProof proof = x.proof();
        byte[] data = proof.creationData();
        data[data.length - 10] ^= 1; // inside the parent's qualified name: as if made under another parent
        AttestationProof otherData = new AttestationProof(proof.challengeId(), secret, proof.keyPublic(), data,
                proof.certifyInfo(), proof.certifySignature());
        assertEquals(Refusal.CREATION_DATA_MISMATCH, refused(pending, otherData, key).refusal());
    }
}
