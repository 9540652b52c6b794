package org.breathgate.attestation;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The few TPM 2.0 structures attestation reads (TPM 2.0 Library, Part 2), big-endian as the TPM
 * marshals them. Only what Breathgate uses is accepted: ECC P-256 keys with SHA-256 names, ECDSA
 * SHA-256 signatures, and creation attestations. Anything else is {@link Refusal#MALFORMED}.
 */
final class TpmStructures {

    static final int ALG_ECC = 0x0023;
    static final int ALG_SHA256 = 0x000B;
    static final int ALG_NULL = 0x0010;
    static final int ALG_ECDSA = 0x0018;
    static final int ECC_NIST_P256 = 0x0003;

    static final int FIXED_TPM = 0x00000002;
    static final int FIXED_PARENT = 0x00000010;
    static final int SENSITIVE_DATA_ORIGIN = 0x00000020;
    static final int RESTRICTED = 0x00010000;
    static final int DECRYPT = 0x00020000;
    static final int SIGN = 0x00040000;

    static final int TPM_GENERATED_VALUE = 0xff544347;
    static final int ST_ATTEST_CREATION = 0x801A;

    private TpmStructures() {
    }

    /** A TPMT_PUBLIC of an ECC P-256 key: its exact bytes (for its name), attributes and point. */
    record EccPublic(byte[] bytes, int attributes, int schemeHash, int scheme, byte[] x, byte[] y) {

        boolean has(int attribute) {
            return (attributes & attribute) == attribute;
        }

        /** The TPM name: nameAlg (SHA-256) followed by SHA-256 of the TPMT_PUBLIC. */
        byte[] name() {
            return TpmStructures.name(bytes);
        }

        /** The 65-byte uncompressed point 04||X||Y. */
        byte[] uncompressedPoint() {
            byte[] p = new byte[65];
            p[0] = 0x04;
            System.arraycopy(x, 0, p, 1 + 32 - x.length, x.length);
            System.arraycopy(y, 0, p, 33 + 32 - y.length, y.length);
            return p;
        }
    }

    /** TPMS_ATTEST of TPM2_CertifyCreation. */
    record CreationAttest(byte[] extraData, long clock, int resetCount, int restartCount, boolean safe, long firmwareVersion,
                          byte[] objectName, byte[] creationHash) {
    }

    static byte[] name(byte[] tpmtPublic) {
        byte[] digest = sha256(tpmtPublic);
        byte[] name = new byte[2 + digest.length];
        name[0] = (byte) (ALG_SHA256 >> 8);
        name[1] = (byte) ALG_SHA256;
        System.arraycopy(digest, 0, name, 2, digest.length);
        return name;
    }

    /** Reads a TPM2B_PUBLIC (as {@code tpm2_create -u} and {@code tpm2_createak -u} write it) holding an ECC P-256 key. */
    static EccPublic eccPublicFromTpm2b(byte[] tpm2bPublic) throws AttestationException {
        Reader r = new Reader(tpm2bPublic, "a TPM2B_PUBLIC");
        byte[] inner = r.tpm2b();
        r.end();
        return eccPublic(inner);
    }

    static EccPublic eccPublic(byte[] tpmtPublic) throws AttestationException {
        Reader r = new Reader(tpmtPublic, "a TPMT_PUBLIC");
        int type = r.u16();
        if (type != ALG_ECC) {
            throw new AttestationException(Refusal.MALFORMED, "the key is not an ECC key (TPM_ALG 0x" + Integer.toHexString(type) + ")");
        }
        int nameAlg = r.u16();
        if (nameAlg != ALG_SHA256) {
            throw new AttestationException(Refusal.MALFORMED, "the key's name algorithm is not SHA-256");
        }
        int attributes = r.u32();
        r.tpm2b(); // authPolicy
        int symmetric = r.u16();
        if (symmetric != ALG_NULL) {
            r.u16();
            r.u16();
        }
        int scheme = r.u16();
        int schemeHash = scheme == ALG_NULL ? ALG_NULL : r.u16();
        int curve = r.u16();
        if (curve != ECC_NIST_P256) {
            throw new AttestationException(Refusal.MALFORMED, "the key is not on NIST P-256 (TPM_ECC 0x" + Integer.toHexString(curve) + ")");
        }
        int kdf = r.u16();
        if (kdf != ALG_NULL) {
            r.u16();
        }
        byte[] x = r.tpm2b();
        byte[] y = r.tpm2b();
        r.end();
        if (x.length > 32 || y.length > 32) {
            throw new AttestationException(Refusal.MALFORMED, "a P-256 coordinate is longer than 32 bytes");
        }
        return new EccPublic(tpmtPublic.clone(), attributes, schemeHash, scheme, x, y);
    }

    /** Reads the TPMS_ATTEST of TPM2_CertifyCreation, checking magic and type, as {@code tpm2_certifycreation --attestation} writes it. */
    static CreationAttest creationAttest(byte[] attest) throws AttestationException {
        Reader r = new Reader(attest, "a TPMS_ATTEST");
        if (r.u32() != TPM_GENERATED_VALUE) {
            throw new AttestationException(Refusal.NOT_TPM_GENERATED, "the attestation does not start with TPM_GENERATED_VALUE"
                    + " (0xff544347): it was not made by a TPM's attestation command");
        }
        int type = r.u16();
        if (type != ST_ATTEST_CREATION) {
            throw new AttestationException(Refusal.MALFORMED, "the attestation is of type 0x" + Integer.toHexString(type)
                    + ", not TPM_ST_ATTEST_CREATION (0x801a)");
        }
        r.tpm2b(); // qualifiedSigner
        byte[] extraData = r.tpm2b();
        long clock = r.u64();
        int resetCount = r.u32();
        int restartCount = r.u32();
        boolean safe = r.u8() != 0;
        long firmware = r.u64();
        byte[] objectName = r.tpm2b();
        byte[] creationHash = r.tpm2b();
        r.end();
        return new CreationAttest(extraData, clock, resetCount, restartCount, safe, firmware, objectName, creationHash);
    }

    /** The R and S of a TPMT_SIGNATURE with ECDSA over SHA-256, each as unsigned big-endian bytes. */
    static byte[][] ecdsaSignature(byte[] tpmtSignature) throws AttestationException {
        Reader r = new Reader(tpmtSignature, "a TPMT_SIGNATURE");
        int alg = r.u16();
        int hash = r.u16();
        if (alg != ALG_ECDSA || hash != ALG_SHA256) {
            throw new AttestationException(Refusal.MALFORMED, "the attestation signature is not ECDSA with SHA-256");
        }
        byte[] rr = r.tpm2b();
        byte[] s = r.tpm2b();
        r.end();
        return new byte[][] {rr, s};
    }

    /** The TPMS_CREATION_DATA inside a TPM2B_CREATION_DATA (as {@code tpm2_create --creation-data} writes it). */
    static byte[] creationDataFromTpm2b(byte[] tpm2b) throws AttestationException {
        Reader r = new Reader(tpm2b, "a TPM2B_CREATION_DATA");
        byte[] inner = r.tpm2b();
        r.end();
        return inner;
    }

    /** A size-prefixed TPM2B of {@code bytes}. */
    static byte[] tpm2b(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes.length >> 8);
        out.write(bytes.length);
        out.writeBytes(bytes);
        return out.toByteArray();
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Big-endian reader that refuses truncation and trailing bytes. */
    private static final class Reader {
        private final ByteBuffer buffer;
        private final String what;

        Reader(byte[] bytes, String what) {
            this.buffer = ByteBuffer.wrap(bytes);
            this.what = what;
        }

        int u8() throws AttestationException {
            try {
                return buffer.get() & 0xff;
            } catch (BufferUnderflowException e) {
                throw truncated();
            }
        }

        int u16() throws AttestationException {
            try {
                return buffer.getShort() & 0xffff;
            } catch (BufferUnderflowException e) {
                throw truncated();
            }
        }

        int u32() throws AttestationException {
            try {
                return buffer.getInt();
            } catch (BufferUnderflowException e) {
                throw truncated();
            }
        }

        long u64() throws AttestationException {
            try {
                return buffer.getLong();
            } catch (BufferUnderflowException e) {
                throw truncated();
            }
        }

        byte[] tpm2b() throws AttestationException {
            int size = u16();
            if (size > buffer.remaining()) {
                throw truncated();
            }
            byte[] out = new byte[size];
            buffer.get(out);
            return out;
        }

        void end() throws AttestationException {
            if (buffer.hasRemaining()) {
                throw new AttestationException(Refusal.MALFORMED, what + " has " + buffer.remaining() + " bytes too many");
            }
        }

        private AttestationException truncated() {
            return new AttestationException(Refusal.MALFORMED, what + " is truncated");
        }
    }

    static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
