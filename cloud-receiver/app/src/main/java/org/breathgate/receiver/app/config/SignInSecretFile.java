package org.breathgate.receiver.app.config;

import org.breathgate.receiver.care.signin.SignInSecret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The sign-in secret's file ({@code signin.secret-file}): one line of base64, 32 random bytes, made on first start with
 * permissions 0600. Every receiver of one deployment must read the same file: parents' identity-code hashes and sealed TOTP
 * secrets are made with it, and a receiver with another secret recognises neither.
 */
public final class SignInSecretFile {

    private SignInSecretFile() {
    }

    public static SignInSecret loadOrCreate(Path file, SecureRandom random) {
        try {
            if (!Files.exists(file)) {
                byte[] b = new byte[SignInSecret.BYTES];
                random.nextBytes(b);
                Path dir = file.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                Path temp = dir.resolve(file.getFileName() + ".new");
                Files.deleteIfExists(temp);
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(temp, Base64.getEncoder().encodeToString(b) + "\n", StandardCharsets.US_ASCII);
                try {
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException raced) {
                    Files.deleteIfExists(temp); // another instance made it first: use theirs
                }
            }
            byte[] secret = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
            return new SignInSecret(secret, random);
        } catch (IOException e) {
            throw new ConfigException("cannot read or make the sign-in secret " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("the sign-in secret " + file + " is not one line of base64 with at least 32 bytes: "
                    + e.getMessage(), e);
        }
    }
}
