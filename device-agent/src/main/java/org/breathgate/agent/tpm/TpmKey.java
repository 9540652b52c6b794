package org.breathgate.agent.tpm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyType;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.VerificationKey;

/**
 * A device key held in a TPM 2.0 ({@code key.store = tpm}): a P-256 signing key made inside the TPM
 * with {@code fixedTPM | fixedParent | sensitiveDataOrigin}, so its private half was never outside the
 * TPM and can never be exported, and kept at a persistent handle under the storage root key. The key
 * file names it — TCTI, handle, the key's authorisation value, its public key and its (public) creation
 * record for attestation — and holds nothing that works without this very TPM.
 *
 * <p>{@link #destroy} evicts the key from the TPM; no copy exists anywhere, so it is gone for good.
 *
 * @param tcti          how to reach the TPM, e.g. {@code device:/dev/tpmrm0}
 * @param handle        the persistent handle, {@code 0x81000100} or {@code 0x81000101}
 * @param auth          the key's authorisation value (32 random bytes): lets this device's agent use the key
 * @param publicKey     the key's public half (kid as given when read)
 * @param keyPublic     its TPM2B_PUBLIC, for attestation
 * @param creationData  its TPM2B_CREATION_DATA
 * @param creationHash  its creation hash (TPM2B_DIGEST)
 * @param creationTicket its creation ticket (TPMT_TK_CREATION), for TPM2_CertifyCreation
 */
public record TpmKey(String tcti, int handle, byte[] auth, VerificationKey publicKey, byte[] keyPublic, byte[] creationData,
                     byte[] creationHash, byte[] creationTicket) {

    /** The TCG's recommended handle for the storage root key (SRK), the parent of Breathgate's keys. */
    public static final int SRK_HANDLE = 0x81000001;
    /** The two handles a device key may occupy: the current key and, during rotation, the next. */
    public static final List<Integer> KEY_HANDLES = List.of(0x81000100, 0x81000101);
    /** What the first line of a key file for a TPM key says; {@link #isTpmKeyFile} looks for it. */
    static final String MARKER = "# Breathgate device key held in a TPM 2.0";
    private static final String ATTRIBUTES = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign";

    public TpmKey {
        Objects.requireNonNull(tcti, "tcti");
        auth = auth.clone();
        Objects.requireNonNull(publicKey, "publicKey");
        if (publicKey.type() != KeyType.P256) {
            throw new IllegalArgumentException("a TPM key is a P-256 key");
        }
        keyPublic = keyPublic.clone();
        creationData = creationData.clone();
        creationHash = creationHash.clone();
        creationTicket = creationTicket.clone();
    }

    @Override
    public byte[] auth() {
        return auth.clone();
    }

    @Override
    public byte[] keyPublic() {
        return keyPublic.clone();
    }

    @Override
    public byte[] creationData() {
        return creationData.clone();
    }

    @Override
    public byte[] creationHash() {
        return creationHash.clone();
    }

    @Override
    public byte[] creationTicket() {
        return creationTicket.clone();
    }

    /**
     * Makes a new key inside the TPM at a free one of {@link #KEY_HANDLES} (never {@code avoid}),
     * making the storage root key first if the TPM has none. The private blob the TPM returns (useless
     * outside this TPM) is deleted as soon as the key is persistent.
     */
    public static TpmKey create(Tpm2Tools tpm, KeyId kid, SecureRandom random) throws TpmException {
        List<Integer> used = tpm.persistentHandles();
        if (!used.contains(SRK_HANDLE)) {
            tpm.run("Making the TPM's storage root key", "tpm2_createprimary", "-C", "o", "-g", "sha256", "-G", "ecc256:aes128cfb",
                    "-c", "srk.ctx");
            tpm.run("Keeping the storage root key in the TPM", "tpm2_evictcontrol", "-C", "o", "-c", "srk.ctx", Tpm2Tools.hex(SRK_HANDLE));
            tpm.delete("srk.ctx");
        }
        int handle = KEY_HANDLES.stream().filter(h -> !used.contains(h)).findFirst().orElseThrow(() -> new TpmException(
                "both of Breathgate's key handles (0x81000100, 0x81000101) are in use in the TPM. If this device is being set up"
                        + " afresh, run 'breathgate-agent deprovision' first, or free one with: tpm2_evictcontrol -C o -c 0x81000101"));
        byte[] auth = new byte[32];
        random.nextBytes(auth);
        tpm.write("key.auth", auth);
        try {
            tpm.run("Making the device key inside the TPM", "tpm2_create", "-C", Tpm2Tools.hex(SRK_HANDLE), "-G", "ecc256:ecdsa-sha256",
                    "-a", ATTRIBUTES, "-p", "file:key.auth", "-u", "key.pub", "-r", "key.priv",
                    "--creation-data", "key.cd", "-t", "key.ticket", "-d", "key.chash");
            tpm.run("Loading the device key", "tpm2_load", "-C", Tpm2Tools.hex(SRK_HANDLE), "-u", "key.pub", "-r", "key.priv", "-c", "key.ctx");
            tpm.delete("key.priv");
            tpm.run("Keeping the device key in the TPM", "tpm2_evictcontrol", "-C", "o", "-c", "key.ctx", Tpm2Tools.hex(handle));
            tpm.delete("key.ctx");
            tpm.run("Reading the device key's public half", "tpm2_readpublic", "-c", Tpm2Tools.hex(handle), "-f", "pem", "-o", "key.pem");
            VerificationKey pub = VerificationKey.fromPem(kid, new String(tpm.take("key.pem"), StandardCharsets.US_ASCII));
            return new TpmKey(tpm.tcti(), handle, auth, pub, tpm.take("key.pub"), tpm.take("key.cd"), tpm.take("key.chash"),
                    tpm.take("key.ticket"));
        } finally {
            tpm.delete("key.auth");
            tpm.delete("key.priv");
        }
    }

    /** The key as a {@link SigningKey} named {@code kid}: every signature is made inside the TPM ({@code tpm2_sign}). */
    public SigningKey signingKey(Tpm2Tools tpm, KeyId kid) {
        if (!tpm.tcti().equals(tcti)) {
            throw new IllegalArgumentException("the key is in the TPM at " + tcti + ", not " + tpm.tcti());
        }
        String handleHex = Tpm2Tools.hex(handle);
        return SigningKey.external(publicKey.withKeyId(kid), data -> {
            synchronized (tpm) {
                tpm.write("sign.auth", auth);
                tpm.write("sign.in", data);
                try {
                    tpm.run(Tpm2Tools.SIGN_TIMEOUT, "Signing inside the TPM", "tpm2_sign", "-c", handleHex, "-p", "file:sign.auth", "-g", "sha256", "-s", "ecdsa",
                            "-f", "plain", "-o", "sign.out", "sign.in");
                    return tpm.take("sign.out");
                } finally {
                    tpm.delete("sign.auth");
                    tpm.delete("sign.in");
                }
            }
        });
    }

    /** The TPM did not answer at all (not there, its TCTI cannot connect, a tool that hangs): it may answer later. */
    public static final class TpmUnreachableException extends TpmException {
        TpmUnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Checks that the TPM holds this very key at its handle (its public half matches).
     *
     * @throws TpmUnreachableException if the TPM does not answer (rather than answering without the key)
     */
    public static void checkPresent(Tpm2Tools tpm, TpmKey key) throws TpmException {
        Tpm2Tools.Result r;
        try {
            r = tpm.tryRun("tpm2_readpublic", "-c", Tpm2Tools.hex(key.handle()), "-f", "pem", "-o", "check.pem");
        } catch (TpmException e) {
            throw new TpmUnreachableException(e.getMessage(), e);
        }
        if (r.exit() != 0 && Tpm2Tools.unreachable(r.output())) {
            tpm.delete("check.pem");
            throw new TpmUnreachableException("the TPM does not answer through " + key.tcti() + ": " + r.output().strip().lines()
                    .reduce((a, b) -> b).orElse("") + ". Check the module and dtoverlay=tpm-slb9670 (docs/hardware.md)", null);
        }
        if (r.exit() != 0) {
            tpm.delete("check.pem");
            throw new TpmException("the TPM (" + key.tcti() + ") has no key at " + Tpm2Tools.hex(key.handle()) + ": " + r.output().strip()
                    .lines().reduce((a, b) -> b).orElse("") + ". Was the TPM cleared or replaced? The device needs to be set up again");
        }
        VerificationKey there = VerificationKey.fromPem(key.publicKey().keyId(), new String(tpm.take("check.pem"), StandardCharsets.US_ASCII));
        if (!there.equals(key.publicKey())) {
            throw new TpmException("the TPM holds another key at " + Tpm2Tools.hex(key.handle()) + " than the key file names"
                    + " (sha256:" + there.fingerprint().substring(0, 16) + " instead of sha256:" + key.publicKey().fingerprint().substring(0, 16)
                    + "). The device needs to be set up again");
        }
    }

    /** Evicts the key at {@code handle} from the TPM: it no longer exists anywhere. Nothing there is fine. */
    public static void destroy(Tpm2Tools tpm, int handle) throws TpmException {
        if (tpm.persistentHandles().contains(handle)) {
            tpm.run("Destroying the device key in the TPM", "tpm2_evictcontrol", "-C", "o", "-c", Tpm2Tools.hex(handle));
        }
    }

    /** The key file's text (mode 0600: it holds the key's authorisation value). */
    public String toFileText() {
        Base64.Encoder b64 = Base64.getEncoder();
        StringBuilder s = new StringBuilder();
        s.append(MARKER).append(" (key.store = tpm). The private key never leaves the TPM;\n");
        s.append("# this file says where it is and holds its public half. Written by breathgate-agent; do not edit.\n");
        s.append("tcti=").append(tcti).append('\n');
        s.append("handle=").append(Tpm2Tools.hex(handle)).append('\n');
        s.append("auth=").append(HexFormat.of().formatHex(auth)).append('\n');
        s.append("key_public=").append(b64.encodeToString(keyPublic)).append('\n');
        s.append("creation_data=").append(b64.encodeToString(creationData)).append('\n');
        s.append("creation_hash=").append(b64.encodeToString(creationHash)).append('\n');
        s.append("creation_ticket=").append(b64.encodeToString(creationTicket)).append('\n');
        s.append(publicKey.toPem());
        return s.toString();
    }

    /** Whether {@code text} is a TPM key file (rather than a PKCS#8 private key). */
    public static boolean isTpmKeyFile(String text) {
        return text.startsWith(MARKER);
    }

    /** Reads a key file written by {@link #toFileText()}. */
    public static TpmKey parse(String text, KeyId kid) {
        Map<String, String> v = new LinkedHashMap<>();
        for (String line : text.lines().toList()) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && !line.startsWith("-") && eq > 0) {
                v.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        int pem = text.indexOf("-----BEGIN PUBLIC KEY-----");
        if (!isTpmKeyFile(text) || pem < 0) {
            throw new IllegalArgumentException("not a Breathgate TPM key file");
        }
        Base64.Decoder b64 = Base64.getDecoder();
        try {
            return new TpmKey(need(v, "tcti"), Integer.parseUnsignedInt(need(v, "handle").substring(2), 16),
                    HexFormat.of().parseHex(need(v, "auth")), VerificationKey.fromPem(kid, text.substring(pem)),
                    b64.decode(need(v, "key_public")), b64.decode(need(v, "creation_data")), b64.decode(need(v, "creation_hash")),
                    b64.decode(need(v, "creation_ticket")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the TPM key file is damaged: " + e.getMessage(), e);
        }
    }

    private static String need(Map<String, String> v, String key) {
        String s = v.get(key);
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("it has no " + key);
        }
        return s;
    }

    /** Reads the key file at {@code file} (permissions are the caller's to check). */
    public static TpmKey read(Path file, KeyId kid) throws IOException {
        return parse(Files.readString(file, StandardCharsets.US_ASCII), kid);
    }
}
