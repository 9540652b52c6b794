package org.breathgate.attestation;

import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.testkit.SoftwareTpm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A device's side of attestation done directly with tpm2-tools against a real TPM, as a device
 * written in any language would: independent of the agent's own TPM code.
 */
public final class ToolsDevice {

    private final SoftwareTpm tpm;
    private final Path dir;

    public ToolsDevice(SoftwareTpm tpm, Path dir) {
        this.tpm = tpm;
        this.dir = dir;
    }

    private void ok(String... command) {
        SoftwareTpm.Result r = tpm.tpm2(command);
        assertEquals(0, r.exit(), String.join(" ", command) + ": " + r.output());
    }

    public byte[] file(String name) throws IOException {
        return Files.readAllBytes(dir.resolve(name));
    }

    /** Step 1: the EK certificate from NV, a transient EK, and an AK under it. */
    public AttestationRequest begin() throws IOException {
        ok("tpm2_nvread", "0x1c00002", "-o", "ek.der");
        ok("tpm2_createek", "-c", "ek.ctx", "-G", "rsa", "-u", "ek.pub");
        ok("tpm2_createak", "-C", "ek.ctx", "-c", "ak.ctx", "-G", "ecc", "-g", "sha256", "-s", "ecdsa", "-u", "ak.pub", "-n", "ak.name");
        return new AttestationRequest(file("ek.der"), List.of(), file("ak.pub"));
    }

    /** TPM2_ActivateCredential with the EK's policy session: the secret, if this TPM holds the EK and the AK. */
    public byte[] activate(Challenge challenge) throws IOException {
        byte[] blob = challenge.credentialBlob();
        byte[] secret = challenge.encryptedSecret();
        Files.write(dir.resolve("cred.in"), ByteBuffer.allocate(8 + blob.length + secret.length)
                .putInt(0xBADCC0DE).putInt(1).put(blob).put(secret).array());
        ok("tpm2_startauthsession", "--policy-session", "-S", "session.ctx");
        ok("tpm2_policysecret", "-S", "session.ctx", "-c", "e");
        SoftwareTpm.Result r = tpm.tpm2("tpm2_activatecredential", "-c", "ak.ctx", "-C", "ek.ctx", "-i", "cred.in", "-o", "secret.out",
                "-P", "session:session.ctx");
        tpm.tpm2("tpm2_flushcontext", "session.ctx");
        assertEquals(0, r.exit(), "activatecredential: " + r.output());
        return file("secret.out");
    }

    /** A P-256 signing key made in the TPM with the given attributes, and its creation data. Returns its public key as PEM. */
    public VerificationKey createKey(String prefix, String attributes) throws IOException {
        ok("tpm2_createprimary", "-C", "o", "-G", "ecc", "-c", "primary.ctx");
        ok("tpm2_create", "-C", "primary.ctx", "-G", "ecc256:ecdsa-sha256", "-a", attributes, "-u", prefix + ".pub", "-r", prefix + ".priv",
                "--creation-data", prefix + ".cd", "-t", prefix + ".ticket", "-d", prefix + ".chash");
        ok("tpm2_load", "-C", "primary.ctx", "-u", prefix + ".pub", "-r", prefix + ".priv", "-c", prefix + ".ctx");
        ok("tpm2_readpublic", "-c", prefix + ".ctx", "-f", "pem", "-o", prefix + ".pem");
        return VerificationKey.fromPem(new KeyId("home-0042", 1), Files.readString(dir.resolve(prefix + ".pem")));
    }

    public VerificationKey createKey(String prefix) throws IOException {
        return createKey(prefix, "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign");
    }

    /** TPM2_CertifyCreation of key {@code prefix} by the AK, with {@code nonce} as qualifying data. */
    public AttestationProof certify(String prefix, Challenge challenge, byte[] secret, byte[] nonce) throws IOException {
        ok("tpm2_certifycreation", "-C", "ak.ctx", "-c", prefix + ".ctx", "-d", prefix + ".chash", "-t", prefix + ".ticket",
                "-q", HexFormat.of().formatHex(nonce), "-g", "sha256", "-s", "ecdsa", "-o", prefix + ".sig", "--attestation", prefix + ".attest");
        return new AttestationProof(challenge.id(), secret, file(prefix + ".pub"), file(prefix + ".cd"), file(prefix + ".attest"),
                file(prefix + ".sig"));
    }

    /**
     * Key {@code prefix} (made by {@link #createKey}) as a {@link SigningKey} named {@code kid}: each signature is made
     * inside the TPM ({@code tpm2_sign}), so its ES256 signatures are randomised.
     */
    public SigningKey signingKey(String prefix, VerificationKey publicKey, KeyId kid) {
        return SigningKey.external(publicKey.withKeyId(kid), data -> {
            Path in = Files.createTempFile(dir, "sign", ".in");
            Files.write(in, data);
            ok("tpm2_sign", "-c", prefix + ".ctx", "-g", "sha256", "-s", "ecdsa", "-f", "plain", "-o", prefix + ".sig.der", in.toString());
            return file(prefix + ".sig.der");
        });
    }
}
