package org.breathgate.attestation;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;

/**
 * The receiver's half of credential activation: TPM2_MakeCredential done outside a TPM (TPM 2.0
 * Library, Part 1, section 24 "Credential Protection", and Part 4's CryptSecretEncrypt), for an RSA
 * 2048 endorsement key with the default EK template (name algorithm SHA-256, AES-128 CFB). Only the
 * TPM that holds the EK's private key, and holds the object named {@code objectName} (the attestation
 * key), can recover {@code credential} with TPM2_ActivateCredential.
 */
final class MakeCredential {

    /** The TCG's label for credential protection: "IDENTITY" with its terminating zero. */
    private static final byte[] IDENTITY = "IDENTITY\0".getBytes(StandardCharsets.US_ASCII);
    private static final int SEED_BYTES = 32;

    /** TPM2B_ID_OBJECT and TPM2B_ENCRYPTED_SECRET, as the TPM2_ActivateCredential command takes them. */
    record Blob(byte[] credentialBlob, byte[] encryptedSecret) {
    }

    private MakeCredential() {
    }

    static Blob make(RSAPublicKey ek, byte[] objectName, byte[] credential, SecureRandom random) {
        try {
            byte[] seed = new byte[SEED_BYTES];
            random.nextBytes(seed);
            Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
            oaep.init(Cipher.ENCRYPT_MODE, ek, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                    new PSource.PSpecified(IDENTITY)));
            byte[] encryptedSeed = oaep.doFinal(seed);

            byte[] symKey = kdfa(seed, "STORAGE", objectName, new byte[0], 128);
            Cipher aes = Cipher.getInstance("AES/CFB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(symKey, "AES"), new IvParameterSpec(new byte[16]));
            byte[] encIdentity = aes.doFinal(TpmStructures.tpm2b(credential));

            byte[] hmacKey = kdfa(seed, "INTEGRITY", new byte[0], new byte[0], 256);
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(hmacKey, "HmacSHA256"));
            hmac.update(encIdentity);
            byte[] outerHmac = hmac.doFinal(objectName);

            return new Blob(TpmStructures.tpm2b(TpmStructures.concat(TpmStructures.tpm2b(outerHmac), encIdentity)),
                    TpmStructures.tpm2b(encryptedSeed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA-OAEP, AES-CFB or HMAC-SHA256 is missing from this JVM", e);
        }
    }

    /** KDFa with HMAC-SHA256 in counter mode (TPM 2.0 Part 1, section 11.4.10.2). */
    static byte[] kdfa(byte[] key, String label, byte[] contextU, byte[] contextV, int bits) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] labelZ = (label + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[bits / 8];
        int at = 0;
        for (int counter = 1; at < out.length; counter++) {
            mac.update(ByteBuffer.allocate(4).putInt(counter).array());
            mac.update(labelZ);
            mac.update(contextU);
            mac.update(contextV);
            byte[] block = mac.doFinal(ByteBuffer.allocate(4).putInt(bits).array());
            int n = Math.min(block.length, out.length - at);
            System.arraycopy(block, 0, out, at, n);
            at += n;
        }
        return out;
    }
}
