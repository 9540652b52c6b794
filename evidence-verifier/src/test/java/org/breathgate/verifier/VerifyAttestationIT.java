package org.breathgate.verifier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.breathgate.attestation.AttestationJson;
import org.breathgate.attestation.AttestationProof;
import org.breathgate.attestation.AttestationVerifier;
import org.breathgate.attestation.HardwareBinding;
import org.breathgate.attestation.PendingChallenge;
import org.breathgate.attestation.ToolsDevice;
import org.breathgate.attestation.TrustAnchors;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.testkit.ManualClock;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.SoftwareTpm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code breathgate-verify --attestation}: a reading signed inside a real TPM (swtpm) is VALID, and its attestation record
 * (as the receiver keeps it) is ATTESTED, with the EK chain checked against the vendor's CA when given; a record for
 * another key, a record whose nonce was altered, and a vendor CA the EK does not chain to are ATTESTATION INVALID.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class VerifyAttestationIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private SoftwareTpm tpm;
    private SoftwareTpm.LocalCa vendor;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private Path record;
    private Path jwk;
    private Path reading;

    @BeforeEach
    void attestAndSign() throws Exception {
        vendor = SoftwareTpm.LocalCa.in(dir.resolve("vendor-ca"));
        tpm = SoftwareTpm.start(dir.resolve("tpm"), vendor);
        ToolsDevice device = new ToolsDevice(tpm, dir.resolve("tpm"));
        ManualClock clock = new ManualClock(Instant.now().plusSeconds(1));
        AttestationVerifier verifier = new AttestationVerifier(trusting(vendor), clock, new SecureRandom());
        PendingChallenge pending = verifier.challenge(device.begin());
        byte[] secret = device.activate(pending.challenge());
        VerificationKey key = device.createKey("device");
        AttestationProof proof = device.certify("device", pending.challenge(), secret, pending.challenge().nonce());
        HardwareBinding binding = verifier.verify(pending, proof, key);
        KeyId kid = new KeyId("home-0042", 1);
        record = dir.resolve("attestation.json");
        Files.writeString(record, AttestationJson.record(kid.toString(), pending, proof, binding).toString());
        jwk = dir.resolve("device.jwk.json");
        Files.writeString(jwk, key.withKeyId(kid).toJwk());
        SigningKey signing = device.signingKey("device", key, kid);
        reading = dir.resolve("reading.jws");
        Files.writeString(reading, new MessageSigner(signing).sign(SampleMessages.of("home-0042").soberReading(1)).compact());
    }

    @AfterEach
    void stop() {
        tpm.close();
    }

    private static TrustAnchors trusting(SoftwareTpm.LocalCa ca) throws Exception {
        return TrustAnchors.fromPem(List.of(Files.readString(ca.rootCertificate()), Files.readString(ca.issuerCertificate())));
    }

    private Path caFile(SoftwareTpm.LocalCa ca, String name) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, Files.readString(ca.rootCertificate()) + Files.readString(ca.issuerCertificate()));
        return f;
    }

    private int run(String... args) {
        return VerifyCommand.run(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void a_reading_signed_in_a_tpm_is_valid_and_its_attestation_record_holds_with_the_vendor_chain() throws Exception {
        int exit = run("--key", jwk.toString(), "--attestation", record.toString(), "--tpm-ca", caFile(vendor, "vendor.pem").toString(),
                "--file", reading.toString());
        assertEquals(VerifyCommand.VALID, exit, out + "\n" + err);
        assertTrue(out.toString().contains("VALID: reading signed by key home-0042:1 (ES256)"), out.toString());
        assertTrue(out.toString().contains("ATTESTED: key home-0042:1 was made inside a TPM (id:00001014 swtpm)"), out.toString());
        assertTrue(out.toString().contains("chains to the TPM vendor CA CN=swtpm-localca-rootca"), out.toString());
    }

    @Test
    void an_ek_certificate_on_the_vendors_revocation_list_makes_the_attestation_invalid() throws Exception {
        Path vendorPem = caFile(vendor, "vendor.pem");
        Path unrelated = vendor.revocationList(dir.resolve("empty.crl"), java.math.BigInteger.valueOf(0x5eed));
        assertEquals(VerifyCommand.VALID, run("--key", jwk.toString(), "--attestation", record.toString(), "--tpm-ca", vendorPem.toString(),
                "--tpm-crl", unrelated.toString(), "--file", reading.toString()), out + "\n" + err);
        assertTrue(out.toString().contains("No revocation list given (1) names the EK certificate"), out.toString());

        Path revoking = vendor.revocationList(dir.resolve("vendor.crl"), tpm.ekCertificate().getSerialNumber());
        out.getBuffer().setLength(0);
        assertEquals(VerifyCommand.INVALID, run("--key", jwk.toString(), "--attestation", record.toString(), "--tpm-ca", vendorPem.toString(),
                "--tpm-crl", revoking.toString(), "--file", reading.toString()), out + "\n" + err);
        assertTrue(out.toString().contains("ATTESTATION INVALID: ek_revoked: the EK certificate (serial"), out.toString());
        assertEquals(VerifyCommand.USAGE, run("--key", jwk.toString(), "--attestation", record.toString(), "--tpm-crl", revoking.toString(),
                "--file", reading.toString()), "a list without the CA that signed it");
    }

    @Test
    void without_the_vendor_ca_the_output_says_the_chain_was_not_checked() {
        assertEquals(VerifyCommand.VALID, run("--key", jwk.toString(), "--attestation", record.toString(), "--file", reading.toString()),
                out + "\n" + err);
        assertTrue(out.toString().contains("chain was NOT checked"), out.toString());
    }

    @Test
    void a_record_about_another_key_an_altered_nonce_or_an_untrusted_vendor_is_attestation_invalid() throws Exception {
        Path otherKey = dir.resolve("other.jwk.json");
        SigningKey other = SigningKey.generateP256(new KeyId("home-0042", 1), new SecureRandom());
        Files.writeString(otherKey, other.verificationKey().toJwk());
        Path otherReading = dir.resolve("other.jws");
        Files.writeString(otherReading, new MessageSigner(other).sign(SampleMessages.of("home-0042").soberReading(1)).compact());
        assertEquals(VerifyCommand.INVALID, run("--key", otherKey.toString(), "--attestation", record.toString(), "--file",
                otherReading.toString()));
        assertTrue(out.toString().contains("ATTESTATION INVALID: different_key"), out.toString());

        ObjectNode altered = (ObjectNode) JSON.readTree(Files.readString(record));
        altered.put("nonce", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        Path alteredRecord = dir.resolve("altered.json");
        Files.writeString(alteredRecord, altered.toString());
        out.getBuffer().setLength(0);
        assertEquals(VerifyCommand.INVALID, run("--key", jwk.toString(), "--attestation", alteredRecord.toString(), "--file",
                reading.toString()));
        assertTrue(out.toString().contains("ATTESTATION INVALID: wrong_nonce"), out.toString());

        SoftwareTpm.LocalCa stranger = SoftwareTpm.LocalCa.in(dir.resolve("stranger-ca"));
        try (SoftwareTpm made = SoftwareTpm.start(dir.resolve("stranger"), stranger)) { // makes the stranger's CA
            out.getBuffer().setLength(0);
            assertEquals(VerifyCommand.INVALID, run("--key", jwk.toString(), "--attestation", record.toString(), "--tpm-ca",
                    caFile(stranger, "stranger.pem").toString(), "--file", reading.toString()));
            assertTrue(out.toString().contains("ATTESTATION INVALID: ek_untrusted"), out.toString());
        }
    }
}
