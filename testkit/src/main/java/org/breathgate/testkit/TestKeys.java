package org.breathgate.testkit;

import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.VerificationKey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic Ed25519 keys for tests: the same name always gives the same key, in every module
 * and on every machine, so fixtures and expected signatures stay stable. Never use outside tests:
 * the seeds are public.
 */
public final class TestKeys {

    private TestKeys() {
    }

    /** Key version 1 of {@code deviceId}. */
    public static SigningKey device(String deviceId) {
        return device(deviceId, 1);
    }

    /** Key {@code version} of {@code deviceId} (a rotated key has a higher version). */
    public static SigningKey device(String deviceId, int version) {
        return key(new KeyId(deviceId, version));
    }

    /** The receiver's key version 1. */
    public static SigningKey receiver() {
        return receiver(1);
    }

    /** The receiver's key {@code version}. */
    public static SigningKey receiver(int version) {
        return key(KeyId.receiver(version));
    }

    /** The signing key named {@code keyId}, from a seed derived from the kid's text. */
    public static SigningKey key(KeyId keyId) {
        return SigningKey.fromSeed(keyId, seed("breathgate-test-key:" + keyId));
    }

    /** A resolver knowing version 1 of each of the given devices' keys and receiver key 1. */
    public static KeyResolver resolver(String... deviceIds) {
        VerificationKey[] keys = new VerificationKey[deviceIds.length + 1];
        for (int i = 0; i < deviceIds.length; i++) {
            keys[i] = device(deviceIds[i]).verificationKey();
        }
        keys[deviceIds.length] = receiver().verificationKey();
        return KeyResolver.of(keys);
    }

    private static byte[] seed(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
