package org.breathgate.bench;

import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageJson;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SensorFacts;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.TestReason;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;

/**
 * Signing and parse+verify of one reading, beside raw Ed25519 verification of the same bytes by
 * Bouncy Castle and by the JDK's own EdDSA provider, all in the same run. The figure that matters
 * is {@code parseAndVerify} as a share of {@code rawVerifyBouncyCastle}: what the protocol's
 * strictness (base64url checks, strict JSON, field validation) costs on top of the maths. ES256
 * (a device key held in a TPM) is measured beside it: what such a device's messages cost the
 * receiver to verify, beside the JDK's own ECDSA on the same bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProtocolBenchmark {

    private MessageSigner signer;
    private MessageVerifier verifier;
    private Reading reading;
    private byte[] compact;
    private byte[] signingInput;
    private byte[] signature;
    private Ed25519PublicKeyParameters bcPublicKey;
    private PublicKey jdkPublicKey;
    private MessageVerifier es256Verifier;
    private byte[] es256Compact;
    private byte[] es256SigningInput;
    private byte[] es256Signature;
    private PublicKey jdkEcPublicKey;

    @Setup
    public void setUp() throws Exception {
        SigningKey key = SigningKey.generate(new KeyId("home-0001", 1), new SecureRandom());
        signer = new MessageSigner(key);
        verifier = new MessageVerifier(KeyResolver.of(key.verificationKey()));
        reading = new Reading("home-0001", 41,
                new ClockFacts(Instant.parse("2026-11-25T06:02:11.250Z"), "5b1e8f0c-3c1a-4f7e-9d55-2f6a0c9e1b42", 3_600_123, true),
                new TestReason.Scheduled(Instant.parse("2026-11-25T06:00:00Z"), false), Outcome.FAIL,
                new BreathAlcohol(230), new BreathAlcohol(100), null, 5100, 342,
                new SensorFacts("BG-FC1", "SIM-000123", LocalDate.parse("2027-05-01")));
        SignedMessage signed = signer.sign(reading);
        compact = signed.bytes();
        String text = signed.compact();
        signingInput = text.substring(0, text.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
        signature = java.util.Base64.getUrlDecoder().decode(text.substring(text.lastIndexOf('.') + 1));
        bcPublicKey = new Ed25519PublicKeyParameters(key.verificationKey().raw(), 0);
        jdkPublicKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
                java.util.Base64.getMimeDecoder().decode(key.verificationKey().toPem()
                        .replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", ""))));

        SigningKey p256 = SigningKey.generateP256(new KeyId("home-0001", 1), new SecureRandom());
        es256Verifier = new MessageVerifier(KeyResolver.of(p256.verificationKey()));
        String es256 = new MessageSigner(p256).sign(reading).compact();
        es256Compact = es256.getBytes(StandardCharsets.US_ASCII);
        es256SigningInput = es256.substring(0, es256.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
        es256Signature = java.util.Base64.getUrlDecoder().decode(es256.substring(es256.lastIndexOf('.') + 1));
        jdkEcPublicKey = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
                java.util.Base64.getMimeDecoder().decode(p256.verificationKey().toPem()
                        .replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", ""))));
    }

    @Benchmark
    public SignedMessage parseAndVerifyEs256() throws InvalidMessageException {
        return es256Verifier.verify(es256Compact, "home-0001");
    }

    @Benchmark
    public boolean rawVerifyEs256Jdk() throws Exception {
        Signature verify = Signature.getInstance("SHA256withECDSAinP1363Format");
        verify.initVerify(jdkEcPublicKey);
        verify.update(es256SigningInput);
        return verify.verify(es256Signature);
    }

    @Benchmark
    public SignedMessage sign() {
        return signer.sign(reading);
    }

    @Benchmark
    public SignedMessage parseAndVerify() throws InvalidMessageException {
        return verifier.verify(compact, "home-0001");
    }

    @Benchmark
    public boolean rawVerifyBouncyCastle() {
        return bcPublicKey.verify(Ed25519.Algorithm.Ed25519, null, signingInput, 0, signingInput.length, signature, 0);
    }

    @Benchmark
    public boolean rawVerifyJdk() throws Exception {
        Signature verify = Signature.getInstance("Ed25519");
        verify.initVerify(jdkPublicKey);
        verify.update(signingInput);
        return verify.verify(signature);
    }

    @Benchmark
    public byte[] rawSignBouncyCastle(PrivateKeyState state) {
        byte[] out = new byte[Ed25519.SIGNATURE_SIZE];
        state.privateKey.sign(Ed25519.Algorithm.Ed25519, null, signingInput, 0, signingInput.length, out, 0);
        return out;
    }

    @Benchmark
    public Object encodeAndDecodeJson() throws InvalidMessageException {
        return MessageJson.decode(MessageJson.encode(reading));
    }

    /** A private key for the raw signing baseline. */
    @State(Scope.Benchmark)
    public static class PrivateKeyState {
        Ed25519PrivateKeyParameters privateKey;

        @Setup
        public void setUp() {
            privateKey = new Ed25519PrivateKeyParameters(new SecureRandom());
        }
    }
}
