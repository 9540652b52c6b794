package org.breathgate.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.crypto.signers.PlainDSAEncoding;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.Hardware;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.agent.tpm.Tpm2Tools;
import org.breathgate.agent.tpm.TpmKey;
import org.breathgate.agent.evidence.DeviceKeyFile;
import org.breathgate.hardware.sim.FakeBreathalyser;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.testkit.SoftwareTpm;
import org.breathgate.testkit.TestBroker;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running agent with its key in a real TPM 2.0 (swtpm): readings signed inside the TPM reach a
 * receiver that verifies them, and OpenSSL verifies them too. Prints the TPM's signing rate beside
 * Ed25519's and the agent's busiest schedule (a figure, never asserted: timing depends on the machine).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TpmAgentIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static TpmKey makeKey(SoftwareTpm tpm, Path keyFile, KeyId kid) throws Exception {
        try (Tpm2Tools tools = new Tpm2Tools(tpm.tcti())) {
            TpmKey key = TpmKey.create(tools, kid, new SecureRandom());
            Files.createDirectories(keyFile.getParent());
            Files.writeString(Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    key.toFileText(), StandardCharsets.US_ASCII);
            return key;
        }
    }

    @Test
    void readings_signed_inside_the_tpm_reach_the_receiver_verified_and_openssl_verifies_them() throws Exception {
        String device = "home-tpm-agent";
        try (SoftwareTpm tpm = SoftwareTpm.start(dir.resolve("tpm"), SoftwareTpm.LocalCa.in(dir.resolve("ca")));
             TestBroker broker = Brokers.mosquitto()) {
            TpmKey key = makeKey(tpm, dir.resolve("etc").resolve(device + ".key"), new KeyId(device, 1));
            Map<String, String> settings = AgentFixture.settings(dir, device, broker.uri());
            settings.put("key.store", "tpm");
            try (TestReceiver receiver = new TestReceiver(broker.uri(), KeyResolver.of(key.publicKey()), null, null)) {
                DeviceAgent agent = new DeviceAgent(AgentFixture.config(settings), new Hardware(
                        new FakeBreathalyser(Clock.systemUTC()).thenMeasures(0).thenMeasures(240), new SoftPanel(Clock.systemUTC())),
                        Voice.silent(), new SystemClockSource(Clock.systemUTC(), () -> true), new Random(1));
                try {
                    agent.start();
                    agent.requestTest();
                    receiver.await(() -> receiver.stored(device).size() >= 1, WAIT, "the first reading");
                    agent.requestTest();
                    receiver.await(() -> receiver.stored(device).size() >= 2, WAIT, "the second reading");
                    assertEquals(java.util.List.of(), receiver.problems());
                } finally {
                    agent.close();
                }
                String compact = receiver.stored(device).firstEntry().getValue();
                assertEquals("ES256", new MessageVerifier(KeyResolver.of(key.publicKey())).verify(compact, device).algorithm());
                assertOpenSslVerifies(compact, key);
            }
        }
    }

    private void assertOpenSslVerifies(String compact, TpmKey key) throws Exception {
        String[] parts = compact.split("\\.");
        Files.writeString(dir.resolve("input"), parts[0] + "." + parts[1]);
        BigInteger n = SECNamedCurves.getByName("secp256r1").getN();
        BigInteger[] rs = PlainDSAEncoding.INSTANCE.decode(n, Base64.getUrlDecoder().decode(parts[2]));
        Files.write(dir.resolve("sig.der"), StandardDSAEncoding.INSTANCE.encode(n, rs[0], rs[1]));
        Files.writeString(dir.resolve("pub.pem"), key.publicKey().toPem());
        Process p = new ProcessBuilder("openssl", "dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.der", "input")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Verified OK"), out);
    }

    @Test
    void the_tpm_signs_far_faster_than_the_agents_busiest_schedule_needs() throws Exception {
        String device = "home-tpm-rate";
        try (SoftwareTpm tpm = SoftwareTpm.start(dir.resolve("tpm"), SoftwareTpm.LocalCa.in(dir.resolve("ca")))) {
            Path keyFile = dir.resolve("etc").resolve(device + ".key");
            makeKey(tpm, keyFile, new KeyId(device, 1));
            MessageSigner tpmSigner = new MessageSigner(DeviceKeyFile.load(keyFile, new KeyId(device, 1)));
            MessageSigner fileSigner = new MessageSigner(TestKeys.device(device));
            ClockFacts clock = new ClockFacts(Instant.parse("2026-11-25T06:02:11.250Z"), "boot-1", 1, true);

            double tpmMs = perSignatureMillis(tpmSigner, device, clock, 5, 40);
            double fileMs = perSignatureMillis(fileSigner, device, clock, 500, 4000);
            // The busiest minute the protocol's limits allow: a reading with a photo (1 + 64 chunks) and a status.
            int busiestMinute = 1 + 64 + 1;
            System.out.printf("[TPM signing rate] swtpm via tpm2-tools: %.1f ms per signature (%.0f per second);"
                            + " Ed25519 in the JVM: %.3f ms (%.0f per second). The busiest minute needs %d signatures:"
                            + " %.1f s of TPM time, %.0f%% of the minute.%n",
                    tpmMs, 1000 / tpmMs, fileMs, 1000 / fileMs, busiestMinute, busiestMinute * tpmMs / 1000,
                    100 * busiestMinute * tpmMs / 60_000);
            assertTrue(tpmMs > 0 && fileMs > 0);
        }
    }

    private static double perSignatureMillis(MessageSigner signer, String device, ClockFacts clock, int warmUp, int n) {
        for (int i = 1; i <= warmUp; i++) {
            signer.sign(new SupportRequest(device, i, clock));
        }
        long start = System.nanoTime();
        for (int i = 1; i <= n; i++) {
            signer.sign(new SupportRequest(device, warmUp + i, clock));
        }
        return (System.nanoTime() - start) / 1e6 / n;
    }
}
