package org.breathgate.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ES256 for P-256 keys, and no algorithm confusion between a key's type and a message's {@code alg}. */
class Es256Test {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final KeyId KID = new KeyId(Samples.DEVICE, 1);

    private final SigningKey p256 = Samples.p256Key(KID);
    private final SigningKey ed25519 = Samples.deviceKey();

    private static String signedRaw(SigningKey key, String alg) {
        String input = B64.encodeToString(("{\"alg\":\"" + alg + "\",\"kid\":\"" + key.keyId() + "\"}").getBytes(StandardCharsets.US_ASCII))
                + "." + B64.encodeToString(MessageJson.encode(Samples.positive(41)));
        return input + "." + B64.encodeToString(key.sign(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private static Rejection rejectionOf(String compact, VerificationKey key) {
        return assertThrows(InvalidMessageException.class,
                () -> new MessageVerifier(KeyResolver.of(key)).verify(compact, Samples.DEVICE)).rejection();
    }

    @Test
    void a_p256_key_signs_es256_and_its_messages_verify() throws Exception {
        SignedMessage signed = new MessageSigner(p256).sign(Samples.positive(41));
        assertTrue(signed.compact().startsWith(B64.encodeToString("{\"alg\":\"ES256\",\"kid\":\"home-0001:1\"}".getBytes(StandardCharsets.US_ASCII)) + "."));
        assertEquals(64, Base64.getUrlDecoder().decode(signed.compact().substring(signed.compact().lastIndexOf('.') + 1)).length);
        SignedMessage verified = new MessageVerifier(KeyResolver.of(p256.verificationKey())).verify(signed.bytes(), Samples.DEVICE);
        assertEquals("ES256", verified.algorithm());
        assertEquals(Samples.positive(41), verified.message());
    }

    @Test
    void an_es256_message_whose_key_is_enrolled_as_ed25519_is_refused() {
        // Whatever the signature: the kid names an Ed25519 key, so ES256 is refused before any maths.
        assertEquals(Rejection.ALG_KEY_MISMATCH, rejectionOf(signedRaw(p256, "ES256"), ed25519.verificationKey()));
        assertEquals(Rejection.ALG_KEY_MISMATCH, rejectionOf(signedRaw(ed25519, "ES256"), ed25519.verificationKey()));
    }

    @Test
    void an_eddsa_message_whose_key_is_enrolled_as_p256_is_refused() {
        assertEquals(Rejection.ALG_KEY_MISMATCH, rejectionOf(signedRaw(ed25519, "EdDSA"), p256.verificationKey()));
        assertEquals(Rejection.ALG_KEY_MISMATCH, rejectionOf(signedRaw(p256, "Ed25519"), p256.verificationKey()));
    }

    @Test
    void an_es256_signature_by_another_p256_key_or_over_changed_bytes_is_refused() {
        SigningKey other = SigningKey.generateP256(KID, new SecureRandom());
        assertEquals(Rejection.BAD_SIGNATURE, rejectionOf(signedRaw(other, "ES256"), p256.verificationKey()));
        String good = signedRaw(p256, "ES256");
        int dot = good.lastIndexOf('.');
        byte[] sig = Base64.getUrlDecoder().decode(good.substring(dot + 1));
        sig[63] ^= 1;
        assertEquals(Rejection.BAD_SIGNATURE, rejectionOf(good.substring(0, dot + 1) + B64.encodeToString(sig), p256.verificationKey()));
    }

    @Test
    void an_es256_signature_in_der_or_of_the_wrong_length_or_with_zero_r_is_refused() throws Exception {
        String good = signedRaw(p256, "ES256");
        int dot = good.lastIndexOf('.');
        byte[] rs = Base64.getUrlDecoder().decode(good.substring(dot + 1));
        byte[] der = org.bouncycastle.crypto.signers.StandardDSAEncoding.INSTANCE.encode(VerificationKey.P256.getN(),
                new java.math.BigInteger(1, java.util.Arrays.copyOf(rs, 32)), new java.math.BigInteger(1, java.util.Arrays.copyOfRange(rs, 32, 64)));
        assertEquals(Rejection.BAD_SIGNATURE, rejectionOf(good.substring(0, dot + 1) + B64.encodeToString(der), p256.verificationKey()));
        assertEquals(Rejection.BAD_SIGNATURE, rejectionOf(good.substring(0, dot + 1)
                + B64.encodeToString(java.util.Arrays.copyOf(rs, 63)), p256.verificationKey()));
        byte[] zeroR = rs.clone();
        java.util.Arrays.fill(zeroR, 0, 32, (byte) 0);
        assertEquals(Rejection.BAD_SIGNATURE, rejectionOf(good.substring(0, dot + 1) + B64.encodeToString(zeroR), p256.verificationKey()));
        byte[] sOverN = rs.clone();
        System.arraycopy(new byte[] {-1, -1, -1, -1}, 0, sOverN, 32, 4);
        assertEquals(Rejection.BAD_SIGNATURE, rejectionOf(good.substring(0, dot + 1) + B64.encodeToString(sOverN), p256.verificationKey()));
    }

    @Test
    void the_software_p256_signer_is_deterministic_but_an_external_one_may_not_be() {
        assertEquals(signedRaw(p256, "ES256"), signedRaw(p256, "ES256"));
    }

    @Test
    void a_p256_key_round_trips_through_pem_jwk_and_raw_keeping_its_type() {
        VerificationKey key = p256.verificationKey();
        assertEquals(KeyType.P256, key.type());
        assertEquals(65, key.raw().length);
        assertEquals(key, VerificationKey.fromPem(KID, key.toPem()));
        assertEquals(key, VerificationKey.fromJwk(null, key.toJwk()));
        assertEquals(key, VerificationKey.fromRaw(KID, KeyType.P256, key.raw()));
        assertTrue(key.toJwk().contains("\"kty\":\"EC\",\"crv\":\"P-256\""), key.toJwk());
        assertTrue(key.toJwk().contains("\"alg\":\"ES256\""), key.toJwk());
        assertNotEquals(key, VerificationKey.fromRaw(KID, java.util.Arrays.copyOf(key.raw(), 32)));
        assertEquals(p256.toPem(), SigningKey.fromPem(KID, p256.toPem()).toPem());
        assertEquals(new KeyId("home-0002", 3), key.withKeyId(new KeyId("home-0002", 3)).keyId());
    }

    @Test
    void jwks_of_other_curves_or_naming_the_wrong_alg_or_off_the_curve_are_refused() {
        String jwk = p256.verificationKey().toJwk();
        assertThrows(IllegalArgumentException.class, () -> VerificationKey.fromJwk(null, jwk.replace("P-256", "P-384")));
        assertThrows(IllegalArgumentException.class, () -> VerificationKey.fromJwk(null, jwk.replace("ES256", "EdDSA")));
        assertThrows(IllegalArgumentException.class, () -> VerificationKey.fromJwk(null, ed25519.verificationKey().toJwk().replace("EdDSA", "ES256")));
        byte[] raw = p256.verificationKey().raw();
        raw[64] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> VerificationKey.fromRaw(KID, KeyType.P256, raw));
    }

    @Test
    void a_pem_key_on_another_curve_is_refused() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
        String pem = Pem.encode(g.generateKeyPair().getPublic().getEncoded(), "PUBLIC KEY");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VerificationKey.fromPem(KID, pem));
        assertTrue(e.getMessage().contains("P-256"), e.getMessage());
    }

    @Test
    void an_external_signer_is_checked_against_its_public_key() throws Exception {
        SigningKey holder = Samples.p256Key(KID);
        java.security.Signature jca = java.security.Signature.getInstance("SHA256withECDSA");
        java.security.KeyFactory kf = java.security.KeyFactory.getInstance("EC");
        java.security.PrivateKey priv = kf.generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(Pem.decode(holder.toPem(), "PRIVATE KEY")));
        SigningKey external = SigningKey.external(holder.verificationKey(), data -> {
            jca.initSign(priv);
            jca.update(data);
            return jca.sign();
        });
        assertTrue(external.isExternal());
        SignedMessage signed = new MessageSigner(external).sign(Samples.positive(41));
        assertEquals("ES256", new MessageVerifier(KeyResolver.of(holder.verificationKey())).verify(signed.compact(), Samples.DEVICE).algorithm());
        assertThrows(UnsupportedOperationException.class, external::toPem);

        SigningKey impostor = SigningKey.external(SigningKey.generateP256(KID, new SecureRandom()).verificationKey(), data -> {
            jca.initSign(priv);
            jca.update(data);
            return jca.sign();
        });
        SigningKey.SigningFailedException e = assertThrows(SigningKey.SigningFailedException.class,
                () -> new MessageSigner(impostor).sign(Samples.positive(41)));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
        SigningKey broken = SigningKey.external(holder.verificationKey(), data -> {
            throw new java.io.IOException("TPM not answering");
        });
        assertFalse(assertThrows(SigningKey.SigningFailedException.class, () -> new MessageSigner(broken).sign(Samples.positive(41)))
                .getMessage().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> SigningKey.external(ed25519.verificationKey(), data -> new byte[0]));
    }

    @Test
    void signed_requests_carry_the_keys_alg_and_refuse_the_other() throws Exception {
        byte[] payload = "{\"device_id\":\"home-0001\"}".getBytes(StandardCharsets.UTF_8);
        String request = DeviceRequests.sign(p256, "breathgate-key-rotation", payload);
        assertEquals(KID, DeviceRequests.verify(request, "breathgate-key-rotation", Samples.DEVICE,
                KeyResolver.of(p256.verificationKey())).keyId());
        assertEquals(Rejection.ALG_KEY_MISMATCH, assertThrows(InvalidMessageException.class, () -> DeviceRequests.verify(request,
                "breathgate-key-rotation", Samples.DEVICE, KeyResolver.of(ed25519.verificationKey()))).rejection());
    }
}
