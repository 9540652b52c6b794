package org.breathgate.receiver.care;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.breathgate.care.access.Actor;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.receiver.care.export.VerificationBundle;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verification bundle checked as a parent's lawyer would: unpacked, and its own {@code verify-bundle.sh} run by
 * {@code sh} with the real {@code openssl} and nothing of Breathgate. Every message the receiver stored passes; one
 * changed byte in one message's payload, or a signature from another key, fails with exit status 1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VerificationBundleIT {

    private static final Actor PARENT = Actor.parent("parent-a", "client-a");
    private static final Instant T = Instant.parse("2026-02-18T06:00:00Z");

    private final TestDatabases databases = new TestDatabases();

    @TempDir
    Path dir;

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    private record Run(int exit, String output) {
    }

    private static Run verify(Path bundle) throws Exception {
        Process p = new ProcessBuilder("sh", bundle.resolve(VerificationBundle.SCRIPT).toString(), bundle.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script finished");
        return new Run(p.exitValue(), out);
    }

    private static Path unzip(byte[] zip, Path into) throws IOException {
        Files.createDirectories(into);
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path target = into.resolve(e.getName()).normalize();
                assertTrue(target.startsWith(into), e.getName());
                Files.createDirectories(target.getParent());
                Files.write(target, in.readAllBytes());
            }
        }
        return into;
    }

    private static long lines(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).count();
    }

    @Test
    void every_message_the_receiver_stored_checks_with_openssl_alone_and_a_changed_one_does_not() throws Exception {
        byte[] zip;
        try (CareFixture f = new CareFixture(databases.newUrl(Database.Dialect.SQLITE), databases.newFolder())) {
            SampleMessages home = f.home.at(T);
            f.ingest(home.sign(home.soberReading(1)), T.plusSeconds(5));
            f.ingest(home.sign(home.positiveReading(2)), T.plusSeconds(3600));
            f.ingest(home.sign(home.missedTest(3)), T.plusSeconds(7200));
            f.ingest(home.sign(new SupportRequest("home-0001", 4, home.clockFacts(), SupportNeed.CALL_ME, true)), T.plusSeconds(7300));
            zip = f.care.bundles().zip(PARENT, "client-a");
            assertEquals(1, f.auditCount("verification_bundle.exported"));
        }
        Path bundle = unzip(zip, dir.resolve("bundle"));
        assertTrue(Files.exists(bundle.resolve(VerificationBundle.HOW_TO)));
        String keys = Files.readString(bundle.resolve("keys/keys.txt"));
        String fingerprint = TestKeys.device("home-0001").verificationKey().fingerprint();
        assertTrue(keys.contains("home-0001:1 | ED25519 | ") && keys.contains("sha256:" + fingerprint + " | software"), keys);
        assertTrue(!Files.exists(bundle.resolve("keys/home-0001_1.attestation.json")), "a file key has no attestation record");

        Run ok = verify(bundle);
        assertEquals(0, ok.exit(), ok.output());
        assertEquals(4, lines(ok.output(), "VALID "), ok.output());
        assertTrue(ok.output().contains("home-0001_1  sha256:" + fingerprint), "the script's own fingerprint agrees: " + ok.output());
        assertTrue(ok.output().contains("4 valid, 0 invalid"), ok.output());

        // A copy with one message changed after signing (here one byte added to its payload, re-encoded; the signature
        // left as it was): that message, and only it, fails.
        Path message = bundle.resolve("messages/home-0001_2.jws");
        String[] parts = Files.readString(message).strip().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String changed = payload.replace("\"seq\":2", "\"seq\":2 ");
        assertTrue(!changed.equals(payload), payload);
        Files.writeString(message, parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                changed.getBytes(StandardCharsets.UTF_8)) + "." + parts[2] + "\n");
        Run tampered = verify(bundle);
        assertEquals(1, tampered.exit(), tampered.output());
        assertTrue(tampered.output().contains("INVALID  messages/home-0001_2.jws  the signature does not match"), tampered.output());
        assertEquals(3, lines(tampered.output(), "VALID "), tampered.output());

        // A message signed by someone else's key but naming this device's key is refused too.
        Files.writeString(message, new MessageSigner(SigningKey.generate(new KeyId("home-0001", 1), new SecureRandom()))
                .sign(SampleMessages.of("home-0001").at(T).soberReading(2)).compact() + "\n");
        Run forged = verify(bundle);
        assertEquals(1, forged.exit(), forged.output());
        assertTrue(forged.output().contains("INVALID  messages/home-0001_2.jws"), forged.output());
    }

    @Test
    void the_script_checks_es256_signatures_of_tpm_held_keys_and_refuses_a_changed_one() throws Exception {
        // A bundle laid out as the receiver lays it out, for a device whose key is P-256 (ES256): the script's DER path.
        Path bundle = Files.createDirectories(dir.resolve("es256"));
        Files.createDirectories(bundle.resolve("messages"));
        Files.createDirectories(bundle.resolve("keys"));
        try (var in = VerificationBundle.class.getResourceAsStream(VerificationBundle.SCRIPT)) {
            Files.write(bundle.resolve(VerificationBundle.SCRIPT), in.readAllBytes());
        }
        SigningKey tpm = SigningKey.generateP256(new KeyId("home-0009", 1), new SecureRandom());
        Files.writeString(bundle.resolve("keys/home-0009_1.pem"), tpm.verificationKey().toPem());
        SampleMessages device = SampleMessages.of("home-0009").at(T);
        List<String> compacts = new ArrayList<>();
        for (int seq = 1; seq <= 3; seq++) {
            String compact = new MessageSigner(tpm).sign(device.soberReading(seq)).compact();
            compacts.add(compact);
            Files.writeString(bundle.resolve("messages/home-0009_" + seq + ".jws"), compact + "\n");
        }
        Run ok = verify(bundle);
        assertEquals(0, ok.exit(), ok.output());
        assertEquals(3, lines(ok.output(), "VALID "), ok.output());
        assertTrue(ok.output().contains("home-0009_1  sha256:" + tpm.verificationKey().fingerprint()), ok.output());

        String[] parts = compacts.get(0).split("\\.");
        String sig = parts[2];
        String flipped = sig.substring(0, 10) + (sig.charAt(10) == 'A' ? 'B' : 'A') + sig.substring(11);
        Files.writeString(bundle.resolve("messages/home-0009_1.jws"), parts[0] + "." + parts[1] + "." + flipped + "\n");
        Run bad = verify(bundle);
        assertEquals(1, bad.exit(), bad.output());
        assertTrue(bad.output().contains("INVALID  messages/home-0009_1.jws"), bad.output());
    }
}
