package org.breathgate.agent.evidence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.breathgate.agent.tpm.Tpm2Tools;
import org.breathgate.agent.tpm.TpmException;
import org.breathgate.agent.tpm.TpmKey;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.SigningKey;

/**
 * Loads the device's signing key from its key file, refusing a file that anyone but its owner could
 * read or write: a key others can read could sign evidence in the device's name. The file is either
 * an Ed25519 private key (PKCS#8 PEM, {@code key.store = file}) or the record of a P-256 key held in
 * the TPM ({@code key.store = tpm}, see {@link TpmKey}); for the latter the TPM is asked, before the
 * key is handed out, whether it still holds exactly that key.
 */
public final class DeviceKeyFile {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeviceKeyFile.class);

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private DeviceKeyFile() {
    }

    /** Reads the key at {@code file} as {@code keyId}, after checking its permissions are 0600 or 0400. */
    public static SigningKey load(Path file, KeyId keyId) throws KeyFileException {
        return load(file, keyId, false);
    }

    /**
     * As {@link #load(Path, KeyId)}; with {@code tolerateUnreachableTpm} (the daemon), a TPM key whose TPM does not
     * answer is loaded all the same, unchecked (its signatures fail until the TPM answers, and each is checked
     * against the public half when made). A TPM that answers without this key is refused either way.
     */
    public static SigningKey load(Path file, KeyId keyId, boolean tolerateUnreachableTpm) throws KeyFileException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (NoSuchFileException e) {
            throw new KeyFileException("device key file " + file + " does not exist; create it with"
                    + " 'openssl genpkey -algorithm ed25519 -out " + file + "' and 'chmod 600 " + file + "'", e);
        } catch (IOException | UnsupportedOperationException e) {
            throw new KeyFileException("cannot check the permissions of device key file " + file + ": " + e.getMessage(), e);
        }
        Set<PosixFilePermission> extra = EnumSet.noneOf(PosixFilePermission.class);
        extra.addAll(perms);
        extra.retainAll(GROUP_OR_OTHERS);
        if (!extra.isEmpty()) {
            throw new KeyFileException("device key file " + file + " has permissions " + PosixFilePermissions.toString(perms)
                    + "; only the agent's user may read it: run 'chmod 600 " + file + "'");
        }
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new KeyFileException("cannot read device key file " + file + ": " + e.getMessage()
                    + " (is it owned by the agent's user?)", e);
        }
        if (TpmKey.isTpmKeyFile(pem)) {
            return loadTpmKey(file, pem, keyId, tolerateUnreachableTpm);
        }
        try {
            return SigningKey.fromPem(keyId, pem);
        } catch (IllegalArgumentException e) {
            throw new KeyFileException("device key file " + file + " is not a PKCS#8 Ed25519 private key: " + e.getMessage(), e);
        }
    }

    private static SigningKey loadTpmKey(Path file, String text, KeyId keyId, boolean tolerateUnreachableTpm) throws KeyFileException {
        TpmKey key;
        try {
            key = TpmKey.parse(text, keyId);
        } catch (IllegalArgumentException e) {
            throw new KeyFileException("device key file " + file + ": " + e.getMessage() + "; run setup again", e);
        }
        try {
            Tpm2Tools tpm = new Tpm2Tools(key.tcti());
            try {
                TpmKey.checkPresent(tpm, key);
            } catch (TpmKey.TpmUnreachableException e) {
                if (!tolerateUnreachableTpm) {
                    throw e;
                }
                // Every signature the TPM makes is checked against the key file's public half, so a TPM that comes
                // back without this key cannot sign anything that would pass as this device's.
                LOG.error("The TPM does not answer ({}); the agent starts anyway and keeps events unsigned until it does", e.getMessage());
            }
            return key.signingKey(tpm, keyId);
        } catch (TpmException e) {
            throw new KeyFileException("the device key in the TPM (" + file + ") cannot be used: " + e.getMessage(), e);
        }
    }

    /** Whether {@code file} holds the record of a TPM key (rather than a private key). */
    public static boolean holdsTpmKey(Path file) {
        try {
            return Files.isRegularFile(file) && TpmKey.isTpmKeyFile(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes {@code key} to {@code file} with permissions 0600 (created so before any byte is written). */
    public static void write(Path file, SigningKey key) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, key.toPem(), StandardCharsets.US_ASCII);
    }
}
