package org.breathgate.agent.tpm;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.breathgate.attestation.AttestationProof;
import org.breathgate.attestation.AttestationRequest;
import org.breathgate.attestation.Challenge;

/**
 * The device's side of TPM attestation at enrollment (docs/protocol.md, "TPM attestation at
 * enrollment"), with {@code tpm2-tools}: the EK certificate from the TPM's NV memory, an attestation
 * key (AK) under the endorsement key kept at {@link #AK_HANDLE}, credential activation, and
 * TPM2_CertifyCreation of the device key with the receiver's nonce.
 */
public final class TpmAttestor {

    /** Where the AK is kept, beside the device keys: made at the first attestation, evicted at deprovisioning. */
    public static final int AK_HANDLE = 0x81000102;
    /** The TCG's NV index of the RSA 2048 EK certificate (TCG EK Credential Profile). */
    static final String EK_CERT_NV_INDEX = "0x01c00002";

    private final Tpm2Tools tpm;

    public TpmAttestor(Tpm2Tools tpm) {
        this.tpm = tpm;
    }

    /** Step 1: the EK certificate and the AK's public area (the AK is made if this TPM has none yet). */
    public AttestationRequest begin() throws TpmException {
        Tpm2Tools.Result cert = tpm.tryRun("tpm2_nvread", EK_CERT_NV_INDEX, "-o", "ek.der");
        if (cert.exit() != 0) {
            tpm.delete("ek.der");
            throw new TpmException("this TPM has no RSA endorsement key certificate (NV index " + EK_CERT_NV_INDEX + "), so the"
                    + " receiver cannot tell it is a genuine TPM. Use a TPM module whose maker installs EK certificates (e.g."
                    + " Infineon SLB 9670), or set the device up with key.store=file");
        }
        byte[] ekCertificate = tpm.take("ek.der");
        if (!tpm.persistentHandles().contains(AK_HANDLE)) {
            tpm.run("Making the endorsement key", "tpm2_createek", "-c", "ek.ctx", "-G", "rsa", "-u", "ek.pub");
            tpm.run("Making the attestation key", "tpm2_createak", "-C", "ek.ctx", "-c", "ak.ctx", "-G", "ecc", "-g", "sha256",
                    "-s", "ecdsa", "-u", "ak.pub", "-n", "ak.name");
            tpm.run("Keeping the attestation key in the TPM", "tpm2_evictcontrol", "-C", "o", "-c", "ak.ctx", Tpm2Tools.hex(AK_HANDLE));
            tpm.delete("ak.ctx");
            tpm.delete("ak.name");
            tpm.delete("ek.pub");
        }
        tpm.run("Reading the attestation key", "tpm2_readpublic", "-c", Tpm2Tools.hex(AK_HANDLE), "-o", "ak.pub");
        return new AttestationRequest(ekCertificate, List.of(), tpm.take("ak.pub"));
    }

    /** TPM2_ActivateCredential: the receiver's secret, which only this TPM, holding that EK and the AK, can open. */
    public byte[] activate(Challenge challenge) throws TpmException {
        byte[] blob = challenge.credentialBlob();
        byte[] secret = challenge.encryptedSecret();
        // tpm2-tools' credential file: magic, version 1, TPM2B_ID_OBJECT, TPM2B_ENCRYPTED_SECRET.
        tpm.write("cred.in", ByteBuffer.allocate(8 + blob.length + secret.length).putInt(0xBADCC0DE).putInt(1).put(blob).put(secret).array());
        try {
            tpm.run("Making the endorsement key", "tpm2_createek", "-c", "ek.ctx", "-G", "rsa", "-u", "ek.pub");
            tpm.run("Opening an endorsement session", "tpm2_startauthsession", "--policy-session", "-S", "session.ctx");
            try {
                tpm.run("Authorising the endorsement key", "tpm2_policysecret", "-S", "session.ctx", "-c", "e");
                tpm.run("Activating the receiver's credential", "tpm2_activatecredential", "-c", Tpm2Tools.hex(AK_HANDLE),
                        "-C", "ek.ctx", "-i", "cred.in", "-o", "secret.out", "-P", "session:session.ctx");
            } finally {
                tpm.tryRun("tpm2_flushcontext", "session.ctx");
                tpm.delete("session.ctx");
            }
            return tpm.take("secret.out");
        } finally {
            tpm.delete("cred.in");
            tpm.delete("ek.ctx");
            tpm.delete("ek.pub");
        }
    }

    /** TPM2_CertifyCreation of {@code key} by the AK, with the challenge's nonce as qualifying data. */
    public AttestationProof certify(TpmKey key, Challenge challenge, byte[] secret) throws TpmException {
        AttestationProof certified = certifyCreation(key, challenge.nonce());
        return new AttestationProof(challenge.id(), secret, certified.keyPublic(), certified.creationData(), certified.certifyInfo(),
                certified.certifySignature());
    }

    /** Whether this TPM holds the attestation key (made at enrollment, when the receiver offered attestation). */
    public boolean hasAttestationKey() throws TpmException {
        return tpm.persistentHandles().contains(AK_HANDLE);
    }

    /**
     * TPM2_CertifyCreation of {@code key} by the AK with {@code nonce} as qualifying data: for a key rotated within the TPM,
     * the request's own nonce (docs/protocol.md, "Signed device requests"); no challenge, no secret.
     */
    public AttestationProof certifyCreation(TpmKey key, byte[] nonce) throws TpmException {
        tpm.write("key.chash", key.creationHash());
        tpm.write("key.ticket", key.creationTicket());
        try {
            tpm.run("Certifying the device key's creation", "tpm2_certifycreation", "-C", Tpm2Tools.hex(AK_HANDLE),
                    "-c", Tpm2Tools.hex(key.handle()), "-d", "key.chash", "-t", "key.ticket", "-q", HexFormat.of().formatHex(nonce),
                    "-g", "sha256", "-s", "ecdsa", "-o", "certify.sig", "--attestation", "certify.attest");
            return new AttestationProof("rotation", new byte[0], key.keyPublic(), key.creationData(), tpm.take("certify.attest"),
                    tpm.take("certify.sig"));
        } finally {
            tpm.delete("key.chash");
            tpm.delete("key.ticket");
        }
    }

    /** Evicts the attestation key (deprovisioning). */
    public void destroy() throws TpmException {
        TpmKey.destroy(tpm, AK_HANDLE);
    }
}
