package org.breathgate.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The published test vector, checked by our code and by two implementations outside the JVM
 * (OpenSSL's command line and Node.js's crypto module), and messages those sign verified by ours.
 * Both tools must be installed: CI installs them; a missing tool fails the test rather than skipping it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrossImplementationIT {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_IN = Base64.getUrlDecoder();

    @TempDir
    Path dir;

    private static JsonNode vector() throws IOException {
        return vector("reading-1.json");
    }

    private static JsonNode vector(String name) throws IOException {
        try (InputStream in = CrossImplementationIT.class.getResourceAsStream("/test-vectors/" + name)) {
            return new ObjectMapper().readTree(in);
        }
    }

    /** ES256's R || S as the ASN.1 DER that OpenSSL's dgst reads and writes. */
    private static byte[] der(byte[] rs) throws IOException {
        java.math.BigInteger n = VerificationKey.P256.getN();
        java.math.BigInteger[] v = org.bouncycastle.crypto.signers.PlainDSAEncoding.INSTANCE.decode(n, rs);
        return org.bouncycastle.crypto.signers.StandardDSAEncoding.INSTANCE.encode(n, v[0], v[1]);
    }

    private static byte[] rs(byte[] der) throws IOException {
        java.math.BigInteger n = VerificationKey.P256.getN();
        java.math.BigInteger[] v = org.bouncycastle.crypto.signers.StandardDSAEncoding.INSTANCE.decode(n, der);
        return org.bouncycastle.crypto.signers.PlainDSAEncoding.INSTANCE.encode(n, v[0], v[1]);
    }

    private record Result(int exit, String output) {
    }

    private Result run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
        return new Result(process.exitValue(), output);
    }

    @Test
    void our_signer_reproduces_the_published_vector_byte_for_byte() throws Exception {
        JsonNode v = vector();
        SigningKey key = SigningKey.fromSeed(KeyId.parse(v.get("kid").asText()),
                HexFormat.of().parseHex(v.get("private_key_seed_hex").asText()));
        assertEquals(v.get("compact").asText(), new MessageSigner(key).sign(Samples.positive(41)).compact());
        assertEquals(v.get("private_key_pem").asText(), key.toPem());
        assertEquals(v.get("public_key_pem").asText(), key.verificationKey().toPem());
    }

    @Test
    void our_verifier_accepts_the_vector_with_the_key_as_pem_and_as_jwk() throws Exception {
        JsonNode v = vector();
        KeyId kid = KeyId.parse(v.get("kid").asText());
        for (VerificationKey key : List.of(VerificationKey.fromPem(kid, v.get("public_key_pem").asText()),
                VerificationKey.fromJwk(null, v.get("public_key_jwk").toString()))) {
            SignedMessage verified = new MessageVerifier(KeyResolver.of(key)).verify(v.get("compact").asText(), "home-0001");
            assertEquals(v.get("payload_json").asText(), new String(verified.payload(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void openssl_verifies_the_vector_and_refuses_a_changed_one() throws Exception {
        JsonNode v = vector();
        Files.writeString(dir.resolve("pub.pem"), v.get("public_key_pem").asText());
        Files.writeString(dir.resolve("input"), v.get("signing_input").asText());
        Files.write(dir.resolve("sig"), B64_IN.decode(v.get("signature_base64url").asText()));
        Result ok = run("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "input", "-sigfile", "sig");
        assertEquals(0, ok.exit(), ok.output());
        assertTrue(ok.output().contains("Signature Verified Successfully"), ok.output());

        Files.writeString(dir.resolve("input"), v.get("signing_input").asText() + "A");
        Result bad = run("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "input", "-sigfile", "sig");
        assertNotEquals(0, bad.exit(), bad.output());
    }

    @Test
    void node_verifies_the_vector_and_refuses_a_changed_one() throws Exception {
        JsonNode v = vector();
        Files.writeString(dir.resolve("vector.json"), v.toString());
        String script = """
                const crypto = require('crypto');
                const v = JSON.parse(require('fs').readFileSync('vector.json', 'utf8'));
                const key = crypto.createPublicKey({ key: v.public_key_jwk, format: 'jwk' });
                const [h, p, s] = v.compact.split('.');
                const sig = Buffer.from(s, 'base64url');
                const good = crypto.verify(null, Buffer.from(h + '.' + p, 'ascii'), key, sig);
                const bad = crypto.verify(null, Buffer.from(h + '.' + p + 'A', 'ascii'), key, sig);
                const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
                console.log(JSON.stringify({ good, bad, brac: payload.brac_ug_l }));
                """;
        Files.writeString(dir.resolve("verify.js"), script);
        Result result = run("node", "verify.js");
        assertEquals(0, result.exit(), result.output());
        assertEquals("{\"good\":true,\"bad\":false,\"brac\":230}", result.output().trim());
    }

    @Test
    void a_reading_signed_by_openssl_verifies_with_ours() throws Exception {
        Result gen = run("openssl", "genpkey", "-algorithm", "ed25519", "-out", "device.pem");
        assertEquals(0, gen.exit(), gen.output());
        Result pub = run("openssl", "pkey", "-in", "device.pem", "-pubout", "-out", "device.pub.pem");
        assertEquals(0, pub.exit(), pub.output());

        String header = "{\"alg\":\"Ed25519\",\"kid\":\"home-0042:1\"}";
        String payload = new String(MessageJson.encode(new Reading("home-0042", 7, Samples.CLOCK, new TestReason.OnDemand(),
                Outcome.PASS, new BreathAlcohol(0), new BreathAlcohol(100), null, 5000, null, Samples.SENSOR)), StandardCharsets.UTF_8);
        String input = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("input"), input);
        Result sign = run("openssl", "pkeyutl", "-sign", "-inkey", "device.pem", "-rawin", "-in", "input", "-out", "sig");
        assertEquals(0, sign.exit(), sign.output());
        String compact = input + "." + B64.encodeToString(Files.readAllBytes(dir.resolve("sig")));

        VerificationKey key = VerificationKey.fromPem(new KeyId("home-0042", 1), Files.readString(dir.resolve("device.pub.pem")));
        SignedMessage verified = new MessageVerifier(KeyResolver.of(key)).verify(compact, "home-0042");
        assertEquals(7, ((Reading) verified.message()).seq());
        assertEquals("Ed25519", verified.algorithm());
    }

    @Test
    void a_support_request_signed_by_node_verifies_with_ours() throws Exception {
        String script = """
                const crypto = require('crypto');
                const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
                const b64 = (s) => Buffer.from(s, 'utf8').toString('base64url');
                const header = b64(JSON.stringify({ alg: 'EdDSA', kid: 'home-0043:2' }));
                const payload = b64(JSON.stringify({ v: 1, type: 'support_request', device: 'home-0043', seq: 12,
                  clock: { wall: '2026-11-25T21:14:03.007Z', boot: 'b007', mono_ms: 99, synced: false },
                  future_field: { kept: true } }));
                const sig = crypto.sign(null, Buffer.from(header + '.' + payload, 'ascii'), privateKey).toString('base64url');
                console.log(JSON.stringify({ compact: header + '.' + payload + '.' + sig,
                  jwk: publicKey.export({ format: 'jwk' }) }));
                """;
        Files.writeString(dir.resolve("sign.js"), script);
        Result result = run("node", "sign.js");
        assertEquals(0, result.exit(), result.output());
        JsonNode out = new ObjectMapper().readTree(result.output());
        VerificationKey key = VerificationKey.fromJwk(new KeyId("home-0043", 2), out.get("jwk").toString());
        SignedMessage verified = new MessageVerifier(KeyResolver.of(key)).verify(out.get("compact").asText(), "home-0043");
        assertTrue(verified.message() instanceof SupportRequest);
        assertEquals(new ArrayList<>(List.of("future_field")), new ArrayList<>(verified.extensions().keySet()));
        assertFalse(((SupportRequest) verified.message()).clock().synced());
    }

    // ---- ES256 (P-256) ------------------------------------------------------------------------

    @Test
    void our_signer_reproduces_the_published_es256_vector_byte_for_byte() throws Exception {
        JsonNode v = vector("reading-2-es256.json");
        SigningKey key = SigningKey.fromPem(KeyId.parse(v.get("kid").asText()), v.get("private_key_pem").asText());
        Reading reading = (Reading) MessageJson.decode(v.get("payload_json").asText().getBytes(StandardCharsets.UTF_8)).message();
        SignedMessage signed = new MessageSigner(key).sign(reading);
        assertEquals(v.get("payload_json").asText(), new String(signed.payload(), StandardCharsets.UTF_8));
        assertEquals(v.get("compact").asText(), signed.compact()); // RFC 6979: deterministic
        assertEquals(v.get("private_key_pem").asText(), key.toPem());
        assertEquals(v.get("public_key_pem").asText(), key.verificationKey().toPem());
        assertEquals(v.get("public_key_jwk").toString(), key.verificationKey().toJwk());
        assertEquals(v.get("protected_header_json").asText(), "{\"alg\":\"ES256\",\"kid\":\"home-0002:1\"}");
    }

    @Test
    void our_verifier_accepts_the_es256_vector_with_the_key_as_pem_and_as_jwk_and_refuses_it_under_an_ed25519_key() throws Exception {
        JsonNode v = vector("reading-2-es256.json");
        KeyId kid = KeyId.parse(v.get("kid").asText());
        for (VerificationKey key : List.of(VerificationKey.fromPem(kid, v.get("public_key_pem").asText()),
                VerificationKey.fromJwk(null, v.get("public_key_jwk").toString()))) {
            SignedMessage verified = new MessageVerifier(KeyResolver.of(key)).verify(v.get("compact").asText(), "home-0002");
            assertEquals("ES256", verified.algorithm());
            assertEquals(v.get("payload_json").asText(), new String(verified.payload(), StandardCharsets.UTF_8));
        }
        VerificationKey ed = SigningKey.fromSeed(kid, Samples.seed(1)).verificationKey();
        assertEquals(Rejection.ALG_KEY_MISMATCH, org.junit.jupiter.api.Assertions.assertThrows(InvalidMessageException.class,
                () -> new MessageVerifier(KeyResolver.of(ed)).verify(v.get("compact").asText(), "home-0002")).rejection());
    }

    @Test
    void openssl_verifies_the_es256_vector_and_refuses_a_changed_one() throws Exception {
        JsonNode v = vector("reading-2-es256.json");
        Files.writeString(dir.resolve("pub.pem"), v.get("public_key_pem").asText());
        Files.writeString(dir.resolve("input"), v.get("signing_input").asText());
        Files.write(dir.resolve("sig.der"), der(B64_IN.decode(v.get("signature_base64url").asText())));
        Result ok = run("openssl", "dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.der", "input");
        assertEquals(0, ok.exit(), ok.output());
        assertTrue(ok.output().contains("Verified OK"), ok.output());
        Files.writeString(dir.resolve("input"), v.get("signing_input").asText() + "A");
        Result bad = run("openssl", "dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.der", "input");
        assertNotEquals(0, bad.exit(), bad.output());
    }

    @Test
    void node_verifies_the_es256_vector_and_refuses_a_changed_one() throws Exception {
        JsonNode v = vector("reading-2-es256.json");
        Files.writeString(dir.resolve("vector.json"), v.toString());
        String script = """
                const crypto = require('crypto');
                const v = JSON.parse(require('fs').readFileSync('vector.json', 'utf8'));
                const key = crypto.createPublicKey({ key: v.public_key_jwk, format: 'jwk' });
                const [h, p, s] = v.compact.split('.');
                const sig = Buffer.from(s, 'base64url');
                const opts = { key, dsaEncoding: 'ieee-p1363' };
                const good = crypto.verify('sha256', Buffer.from(h + '.' + p, 'ascii'), opts, sig);
                const bad = crypto.verify('sha256', Buffer.from(h + '.' + p + 'A', 'ascii'), opts, sig);
                const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
                console.log(JSON.stringify({ good, bad, alg: header.alg, sigBytes: sig.length }));
                """;
        Files.writeString(dir.resolve("verify.js"), script);
        Result result = run("node", "verify.js");
        assertEquals(0, result.exit(), result.output());
        assertEquals("{\"good\":true,\"bad\":false,\"alg\":\"ES256\",\"sigBytes\":64}", result.output().trim());
    }

    @Test
    void an_es256_reading_signed_by_openssl_verifies_with_ours() throws Exception {
        Result gen = run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "device.pem");
        assertEquals(0, gen.exit(), gen.output());
        Result pub = run("openssl", "pkey", "-in", "device.pem", "-pubout", "-out", "device.pub.pem");
        assertEquals(0, pub.exit(), pub.output());
        String header = "{\"alg\":\"ES256\",\"kid\":\"home-0042:1\"}";
        String payload = new String(MessageJson.encode(new Reading("home-0042", 7, Samples.CLOCK, new TestReason.OnDemand(),
                Outcome.PASS, new BreathAlcohol(0), new BreathAlcohol(100), null, 5000, null, Samples.SENSOR)), StandardCharsets.UTF_8);
        String input = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("input"), input);
        Result sign = run("openssl", "dgst", "-sha256", "-sign", "device.pem", "-out", "sig.der", "input");
        assertEquals(0, sign.exit(), sign.output());
        String compact = input + "." + B64.encodeToString(rs(Files.readAllBytes(dir.resolve("sig.der"))));

        VerificationKey key = VerificationKey.fromPem(new KeyId("home-0042", 1), Files.readString(dir.resolve("device.pub.pem")));
        assertEquals(KeyType.P256, key.type());
        SignedMessage verified = new MessageVerifier(KeyResolver.of(key)).verify(compact, "home-0042");
        assertEquals(7, ((Reading) verified.message()).seq());
        assertEquals("ES256", verified.algorithm());
        // The same key enrolled as Ed25519 is impossible, but a message claiming EdDSA under this P-256 key is refused:
        String claimingEdDsa = B64.encodeToString("{\"alg\":\"EdDSA\",\"kid\":\"home-0042:1\"}".getBytes(StandardCharsets.UTF_8))
                + compact.substring(compact.indexOf('.'));
        assertEquals(Rejection.ALG_KEY_MISMATCH, org.junit.jupiter.api.Assertions.assertThrows(InvalidMessageException.class,
                () -> new MessageVerifier(KeyResolver.of(key)).verify(claimingEdDsa, "home-0042")).rejection());
    }

    @Test
    void an_es256_support_request_signed_by_node_verifies_with_ours() throws Exception {
        String script = """
                const crypto = require('crypto');
                const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
                const b64 = (s) => Buffer.from(s, 'utf8').toString('base64url');
                const header = b64(JSON.stringify({ alg: 'ES256', kid: 'home-0043:2' }));
                const payload = b64(JSON.stringify({ v: 1, type: 'support_request', device: 'home-0043', seq: 12,
                  clock: { wall: '2026-11-25T21:14:03.007Z', boot: 'b007', mono_ms: 99, synced: false } }));
                const sig = crypto.sign('sha256', Buffer.from(header + '.' + payload, 'ascii'),
                  { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
                console.log(JSON.stringify({ compact: header + '.' + payload + '.' + sig,
                  jwk: publicKey.export({ format: 'jwk' }) }));
                """;
        Files.writeString(dir.resolve("sign.js"), script);
        Result result = run("node", "sign.js");
        assertEquals(0, result.exit(), result.output());
        JsonNode out = new ObjectMapper().readTree(result.output());
        VerificationKey key = VerificationKey.fromJwk(new KeyId("home-0043", 2), out.get("jwk").toString());
        SignedMessage verified = new MessageVerifier(KeyResolver.of(key)).verify(out.get("compact").asText(), "home-0043");
        assertTrue(verified.message() instanceof SupportRequest);
        assertEquals("ES256", verified.algorithm());
        VerificationKey enrolledAsEd25519 = SigningKey.fromSeed(new KeyId("home-0043", 2), Samples.seed(3)).verificationKey();
        assertEquals(Rejection.ALG_KEY_MISMATCH, org.junit.jupiter.api.Assertions.assertThrows(InvalidMessageException.class,
                () -> new MessageVerifier(KeyResolver.of(enrolledAsEd25519)).verify(out.get("compact").asText(), "home-0043")).rejection());
    }
}
