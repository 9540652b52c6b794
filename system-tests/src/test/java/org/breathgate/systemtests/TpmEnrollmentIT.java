package org.breathgate.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.breathgate.agent.AgentDaemon;
import org.breathgate.agent.cli.AgentCli;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.config.AgentConfigLoader;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.attestation.AttestationJson;
import org.breathgate.hardware.sim.Blow;
import org.breathgate.hardware.sim.Scenario;
import org.breathgate.hardware.sim.SimulatedBreathalyser;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.KeyType;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SensorState;
import org.breathgate.receiver.app.ReceiverMain;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.evidence.device.DeviceKey;
import org.breathgate.receiver.evidence.store.StoredEvent;
import org.breathgate.testkit.SoftwareTpm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * End to end with a real TPM 2.0: a device agent set up with {@code key.store = tpm} on swtpm (its EK certificate from a
 * local "vendor" CA) enrolls against a real receiver that trusts that vendor and requires TPM keys; the receiver verifies
 * the attestation and registers the key as P-256 and hardware-bound with its record; the agent's readings, signed inside
 * the TPM (ES256), are stored and verify with the enrolled key. A device with a file key is refused by that receiver, and so
 * is a device whose TPM's EK certificate is on the vendor's revocation list. {@code breathgate-agent rotate-key} rotates the
 * key within the TPM, certified by its attestation key, and the receiver registers the new key as attested; when the
 * vendor's next list revokes the enrolled TPM too, {@code breathgate-receiver tpm-check} finds both keys.
 */
class TpmEnrollmentIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = AgentCli.execute(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run setup(Path device, SimulatedBreathalyser sim, TestBed bed, String code, String... keyStore) {
        List<String> args = new ArrayList<>(List.of("setup", "--config-dir", device.resolve("etc").toString(), "--data-dir",
                device.resolve("var").toString(), "--service-user=", "--timeout=10", "--driver", "line", "--port", sim.portPath(),
                "--panel", "none", "--receiver", bed.url(), "--fingerprint", bed.devices.identity().fingerprint(), "--code", code, "--yes"));
        args.addAll(List.of(keyStore));
        return cli(args.toArray(String[]::new));
    }

    @Test
    @Timeout(240)
    void an_agent_with_its_key_in_a_tpm_enrolls_attested_and_its_es256_readings_are_stored_and_verified() throws Exception {
        SoftwareTpm.LocalCa vendor = SoftwareTpm.LocalCa.in(dir.resolve("vendor-ca"));
        try (SoftwareTpm tpm = SoftwareTpm.start(dir.resolve("tpm"), vendor);
             SoftwareTpm flawed = SoftwareTpm.start(dir.resolve("flawed-tpm"), vendor)) {
            Thread.sleep(1_000); // the vendor CA and EK certificate were made this second: let the receiver's clock pass it
            // The vendor has revoked the EK certificate of one of its TPMs (say a firmware flaw), and says so in its list.
            Path crl = vendor.revocationList(dir.resolve("vendor.crl"), flawed.ekCertificate().getSerialNumber());
            String vendorCas = vendor.rootCertificate() + "," + vendor.issuerCertificate();
            Map<String, String> settings = Map.of(
                    ReceiverConfig.ENROLLMENT_TPM_VENDOR_CA_FILES, vendorCas,
                    ReceiverConfig.ENROLLMENT_TPM_VENDOR_CRL_FILES, crl.toString(),
                    ReceiverConfig.ENROLLMENT_REQUIRE_TPM_KEY, "true");
            try (TestBed bed = new TestBed(dir, settings);
                 SimulatedBreathalyser sim = SimulatedBreathalyser.start(Scenario.of("tpm", Blow.reading(0), Blow.reading(0), Blow.reading(0))
                         .withTiming(Scenario.Timing.fast()).withWarmUp(Duration.ZERO), dir.resolve("pty"))) {

                // A device with a file key: this service requires keys held in a TPM.
                String refusedCode = bed.createCode("").get("code").asText();
                Run file = setup(dir.resolve("file-device"), sim, bed, refusedCode);
                assertNotEquals(0, file.exitCode(), file.toString());
                assertTrue(file.err().contains("attestation_required") || file.err().contains("key.store = tpm"), file.toString());
                assertEquals(List.of(), bed.receiver.registry().deviceIds(), "the file key was not enrolled");

                // A device whose TPM's EK certificate is on the vendor's list.
                Run revoked = setup(dir.resolve("flawed-device"), sim, bed, bed.createCode("").get("code").asText(), "--key-store", "tpm",
                        "--tpm-tcti", flawed.tcti());
                assertNotEquals(0, revoked.exitCode(), revoked.toString());
                assertTrue(revoked.err().contains("ek_revoked"), revoked.toString());
                assertEquals(List.of(), bed.receiver.registry().deviceIds(), "the revoked TPM's key was not enrolled");

                String code = bed.createCode("").get("code").asText();
                Path device = dir.resolve("device");
                Run setup = setup(device, sim, bed, code, "--key-store", "tpm", "--tpm-tcti", tpm.tcti());
                assertEquals(0, setup.exitCode(), setup.toString());

                List<String> ids = bed.receiver.registry().deviceIds();
                assertEquals(1, ids.size(), ids.toString());
                String deviceId = ids.get(0);
                DeviceKey key = bed.receiver.registry().device(deviceId).orElseThrow().keys().get(0);
                assertEquals(KeyType.P256, key.type());
                assertTrue(key.hardwareBound(), "the receiver verified the TPM attestation");
                JsonNode record = JSON.readTree(key.attestation().record());
                assertEquals(AttestationJson.RECORD_FORMAT, record.get("format").asText());
                assertEquals(deviceId + ":1", record.get("kid").asText());
                assertEquals("CN=swtpm-localca-rootca", key.attestation().trustAnchor());

                AgentConfig config = AgentConfigLoader.load(device.resolve("etc/agent.properties"), List.of("--voice=false"));
                assertEquals(AgentConfig.KeyStore.TPM, config.keyStore());
                try (AgentDaemon daemon = AgentDaemon.start(config, () -> {
                    throw new AssertionError("no GPIO configured");
                }, new SystemClockSource(Clock.systemUTC(), () -> true), Voice.silent())) {
                    await(() -> daemon.agent().status().sensorState() == SensorState.READY && daemon.agent().status().publisher().connected(),
                            Duration.ofSeconds(60), "the agent to connect to the broker over TLS");
                    for (int i = 1; i <= 2; i++) {
                        Run test = cli("test", "--config-dir", device.resolve("etc").toString(), "--data-dir", device.resolve("var").toString());
                        assertEquals(0, test.exitCode(), test.toString());
                        int n = i;
                        await(() -> bed.receiver.store().count(deviceId) >= n, Duration.ofSeconds(60), "reading " + i + " at the receiver");
                    }
                    List<StoredEvent> stored = bed.receiver.store().readings(deviceId, Instant.EPOCH, Instant.now().plusSeconds(3600));
                    assertEquals(2, stored.size(), stored.toString());
                    for (StoredEvent e : stored) {
                        assertEquals(new KeyId(deviceId, 1), e.keyId());
                        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(e.compact().split("\\.")[0]));
                        assertEquals("ES256", header.get("alg").asText(), "signed inside the TPM with the P-256 key");
                        // independently of ingest: the stored bytes verify with the enrolled, attested key
                        assertEquals("ES256", new MessageVerifier(KeyResolver.of(key.key())).verify(e.compact(), deviceId).algorithm());
                    }
                    await(() -> daemon.agent().outboxStats().depth() == 0, Duration.ofSeconds(30), "the receiver's acks");
                }

                // The technician rotates the key within the TPM: its attestation key certifies the new key, which this service
                // (requiring TPM keys) registers as attested.
                Run rotate = cli("rotate-key", "--config-dir", device.resolve("etc").toString(), "--data-dir", device.resolve("var").toString());
                assertEquals(0, rotate.exitCode(), rotate.toString());
                assertTrue(rotate.out().contains("The TPM's attestation key certified that it made the new key."), rotate.toString());
                List<DeviceKey> keys = bed.receiver.registry().device(deviceId).orElseThrow().keys();
                assertEquals(2, keys.size(), keys.toString());
                assertTrue(keys.get(1).hardwareBound(), "the rotated key is attested too");
                assertEquals(deviceId + ":1", JSON.readTree(keys.get(1).attestation().record()).get("result").get("rotated_from").asText());

                // The vendor's next list revokes the enrolled TPM too: tpm-check finds the device already enrolled with it.
                Run passing = tpmCheck(vendorCas, crl);
                assertEquals(0, passing.exitCode(), passing.toString());
                assertTrue(passing.out().contains("2 attested keys checked") && passing.out().contains("all pass"), passing.toString());
                Path newer = vendor.revocationList(dir.resolve("vendor-2.crl"), flawed.ekCertificate().getSerialNumber(),
                        tpm.ekCertificate().getSerialNumber());
                Run found = tpmCheck(vendorCas, newer);
                assertEquals(3, found.exitCode(), found.toString());
                assertTrue(found.out().contains(deviceId + ":1: ek_revoked: the EK certificate (serial "), found.toString());
                assertTrue(found.out().contains(deviceId + ":2: ek_revoked: the EK certificate (serial "), found.toString());
                assertTrue(found.out().contains("2 no longer pass"), found.toString());
            }
        }
    }

    /** {@code breathgate-receiver tpm-check} on the test bed's database (its data folder) with these vendor CA and revocation list files. */
    private Run tpmCheck(String vendorCas, Path crl) throws Exception {
        Path config = dir.resolve("tpm-check-" + System.nanoTime() + ".properties");
        Files.writeString(config, ReceiverConfig.ENROLLMENT_TPM_VENDOR_CA_FILES + "=" + vendorCas + "\n"
                + ReceiverConfig.ENROLLMENT_TPM_VENDOR_CRL_FILES + "=" + crl + "\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new ReceiverMain());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int code = command.execute("--config", config.toString(), "--data-dir", dir.resolve("receiver").toString(), "tpm-check");
        return new Run(code, out.toString(), err.toString());
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
