package org.breathgate.receiver.app.config;

import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.SigningKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/** The receiver's signing key file: read it, or make it on first start. */
public final class ReceiverKeys {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiverKeys.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private ReceiverKeys() {
    }

    /**
     * Reads the key {@code receiver:version} from {@code file} (PKCS#8 PEM), or, when the file does
     * not exist, generates one and writes it with permissions 0600, and its public half beside it
     * ({@code <file>.pub}, PEM) for provisioning devices.
     *
     * @throws ConfigException if the file exists but is not an Ed25519 private key, or cannot be written
     */
    public static SigningKey loadOrCreate(Path file, int version, SecureRandom random) {
        KeyId keyId = KeyId.receiver(version);
        if (Files.exists(file)) {
            try {
                SigningKey key = SigningKey.fromPem(keyId, Files.readString(file, StandardCharsets.US_ASCII));
                warnIfReadableByOthers(file);
                return key;
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException("the receiver key file " + file + " cannot be read as an Ed25519 PKCS#8 PEM key: "
                        + e.getMessage(), e);
            }
        }
        SigningKey key = SigningKey.generate(keyId, random);
        try {
            Path folder = file.toAbsolutePath().getParent();
            Files.createDirectories(folder);
            Path temp = folder.resolve(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            if (posix()) {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(temp);
            }
            Files.writeString(temp, key.toPem(), StandardCharsets.US_ASCII);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file);
            }
            Path publicKey = publicKeyFile(file);
            Files.deleteIfExists(publicKey);
            if (posix()) {
                Files.createFile(publicKey, PosixFilePermissions.asFileAttribute(OWNER_ONLY)); // in a 0700 folder, as everything there
            }
            Files.writeString(publicKey, key.verificationKey().toPem(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigException("cannot write the new receiver key to " + file + ": " + e.getMessage(), e);
        }
        LOG.info("generated receiver key {} in {} (public key in {}, fingerprint {})", keyId, file, publicKeyFile(file),
                key.verificationKey().fingerprint());
        return key;
    }

    /** Where the public half of {@code keyFile} is written. */
    static Path publicKeyFile(Path keyFile) {
        return keyFile.resolveSibling(keyFile.getFileName() + ".pub");
    }

    private static void warnIfReadableByOthers(Path file) throws IOException {
        if (posix() && !OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file))) {
            LOG.warn("the receiver key file {} is readable by others; run: chmod 600 {}", file, file);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
