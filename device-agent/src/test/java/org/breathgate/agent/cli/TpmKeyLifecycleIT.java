package org.breathgate.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.config.AgentConfigLoader;
import org.breathgate.agent.evidence.DeviceKeyFile;
import org.breathgate.agent.tpm.TpmKey;
import org.breathgate.attestation.HardwareBinding;
import org.breathgate.attestation.TrustAnchors;
import org.breathgate.hardware.sim.Scenario;
import org.breathgate.hardware.sim.SimulatedBreathalyser;
import org.breathgate.protocol.EnrollmentCode;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.KeyType;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.testkit.SoftwareTpm;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code key.store = tpm} on a real TPM 2.0 (swtpm with EK certificates from a vendor CA): setup makes
 * the key inside the TPM and proves it to the receiver (the stub runs the attestation module's
 * verifier); rotation and deprovisioning destroy keys in the TPM; nothing can read the private key out.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TpmKeyLifecycleIT {

    private static final String DEVICE = "home-tpm-1";

    @TempDir
    Path dir;

    private SoftwareTpm tpm;
    private EnrollmentStub stub;
    private Path etc;
    private Path data;

    @BeforeEach
    void start() throws Exception {
        SoftwareTpm.LocalCa vendor = SoftwareTpm.LocalCa.in(dir.resolve("vendor-ca"));
        tpm = SoftwareTpm.start(dir.resolve("tpm"), vendor);
        Thread.sleep(1_000); // the vendor CA and the EK certificate were made this second; let the verifier's clock pass it
        stub = EnrollmentStub.start(dir.resolve("receiver"));
        stub.offerAttestation(TrustAnchors.fromPem(List.of(Files.readString(vendor.rootCertificate()),
                Files.readString(vendor.issuerCertificate()))));
        stub.grant(new EnrollmentStub.Grant(DEVICE, "ssl://127.0.0.1:8883", DEVICE, "pw",
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", List.of(TestKeys.receiver().verificationKey()), null));
        etc = dir.resolve("etc");
        data = dir.resolve("var");
    }

    @AfterEach
    void stop() {
        stub.close();
        tpm.close();
    }

    private Cli.Run setup(String... extra) throws Exception {
        String code = EnrollmentCode.generate(new SecureRandom()).toString();
        stub.code(code, EnrollmentStub.CodeState.VALID);
        return setupWithCode(code, extra);
    }

    private Cli.Run setupWithCode(String code, String... extra) throws Exception {
        try (SimulatedBreathalyser sim = SimulatedBreathalyser.start(Scenario.sober().withTiming(Scenario.Timing.fast())
                .withWarmUp(Duration.ZERO), dir.resolve("pty"))) {
            List<String> args = new java.util.ArrayList<>(List.of("setup", "--config-dir", etc.toString(), "--data-dir", data.toString(),
                    "--service-user=", "--driver", "line", "--port", sim.portPath(), "--panel", "none", "--receiver", stub.url(),
                    "--fingerprint", stub.fingerprint(), "--code", code, "--key-store", "tpm", "--tpm-tcti", tpm.tcti(), "--yes"));
            args.addAll(List.of(extra));
            return Cli.run("", args.toArray(String[]::new));
        }
    }

    private AgentConfig config() throws Exception {
        return AgentConfigLoader.load(etc.resolve("agent.properties"), List.of());
    }

    private List<String> persistentHandles() {
        SoftwareTpm.Result r = tpm.tpm2("tpm2_getcap", "handles-persistent");
        assertEquals(0, r.exit(), r.output());
        return r.output().lines().map(String::strip).filter(l -> l.startsWith("- 0x")).map(l -> l.substring(2)).toList();
    }

    private static SignedMessage supportRequest(SigningKey key) {
        return new MessageSigner(key).sign(new SupportRequest(key.keyId().owner(), 1,
                new ClockFacts(java.time.Instant.parse("2026-11-25T06:02:11.250Z"), "boot-1", 1, true)));
    }

    @Test
    void setup_makes_the_key_in_the_tpm_attests_it_and_the_key_signs_es256_inside_the_tpm() throws Exception {
        Cli.Run setup = setup();
        assertEquals(0, setup.exitCode(), setup.toString());
        assertTrue(setup.out().contains("inside the TPM"), setup.out());
        AgentConfig c = config();
        assertEquals(AgentConfig.KeyStore.TPM, c.keyStore());
        KeyId kid = new KeyId(DEVICE, 1);
        HardwareBinding binding = stub.binding(kid).orElseThrow(() -> new AssertionError("the receiver did not verify an attestation"));
        assertEquals(stub.deviceKey(kid).fingerprint(), binding.keyFingerprint());
        assertEquals(KeyType.P256, stub.deviceKey(kid).type());
        assertTrue(persistentHandles().contains("0x81000100"), persistentHandles().toString());

        SigningKey key = DeviceKeyFile.load(c.keyFile(), kid);
        assertTrue(key.isExternal());
        SignedMessage signed = supportRequest(key);
        assertEquals("ES256", new MessageVerifier(KeyResolver.of(stub.deviceKey(kid))).verify(signed.compact(), DEVICE).algorithm());
    }

    @Test
    void a_receiver_without_attestation_enrolls_the_tpm_key_unattested_and_setup_says_so() throws Exception {
        EnrollmentStub older = EnrollmentStub.start(dir.resolve("older-receiver"));
        try {
            older.grant(new EnrollmentStub.Grant(DEVICE, "ssl://127.0.0.1:8883", DEVICE, "pw",
                    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", List.of(TestKeys.receiver().verificationKey()), null));
            String code = EnrollmentCode.generate(new SecureRandom()).toString();
            older.code(code, EnrollmentStub.CodeState.VALID);
            stub.close();
            stub = older;
            Cli.Run setup = setupWithCode(code);
            assertEquals(0, setup.exitCode(), setup.toString());
            assertTrue(setup.out().contains("does not offer TPM attestation"), setup.out());
            assertTrue(older.binding(new KeyId(DEVICE, 1)).isEmpty());
            assertEquals(KeyType.P256, older.deviceKey(new KeyId(DEVICE, 1)).type());
        } finally {
            older.close();
        }
    }

    @Test
    void the_private_key_cannot_be_read_out() throws Exception {
        assertEquals(0, setup().exitCode());
        AgentConfig c = config();
        SigningKey key = DeviceKeyFile.load(c.keyFile(), new KeyId(DEVICE, 1));
        // 1. The agent's own API has nothing to give.
        assertThrows(UnsupportedOperationException.class, key::toPem);
        // 2. No file on the device holds a private key: the key file names the key and holds its public half only.
        try (Stream<Path> files = Stream.concat(Files.walk(etc), Files.walk(data))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertFalse(text.contains("PRIVATE KEY"), f + " holds a private key");
            }
        }
        String keyFile = Files.readString(c.keyFile());
        assertTrue(TpmKey.isTpmKeyFile(keyFile) && keyFile.contains("BEGIN PUBLIC KEY"), keyFile);
        // 3. The TPM made the key so that it can never leave it ...
        SoftwareTpm.Result pub = tpm.tpm2("tpm2_readpublic", "-c", "0x81000100");
        assertTrue(pub.output().contains("fixedtpm|fixedparent|sensitivedataorigin"), pub.output());
        // ... and refuses to duplicate (export) it, even with the key's own authorisation value: duplication needs the
        // DUP role, which only a policy can grant and this key has none, and fixedParent forbids it in any case.
        TpmKey ref = TpmKey.read(c.keyFile(), new KeyId(DEVICE, 1));
        Files.write(dir.resolve("tpm").resolve("auth.bin"), ref.auth());
        SoftwareTpm.Result duplicate = tpm.tpm2("tpm2_duplicate", "-C", "null", "-c", "0x81000100", "-G", "null", "-p", "file:auth.bin",
                "-r", "dup.priv", "-s", "dup.seed");
        assertNotEquals(0, duplicate.exit(), duplicate.output());
        System.out.println("[TPM] export attempt refused by the TPM: " + duplicate.output().lines()
                .filter(l -> l.contains("ERROR: Esys_Duplicate")).findFirst().orElse(duplicate.output().strip()));
        assertFalse(Files.exists(dir.resolve("tpm").resolve("dup.priv")), "no private blob came out");
    }

    @Test
    void rotation_makes_the_next_key_in_the_tpm_and_destroys_the_old_one() throws Exception {
        assertEquals(0, setup().exitCode());
        Cli.Run rotate = Cli.run("", "rotate-key", "--config-dir", etc.toString(), "--data-dir", data.toString());
        assertEquals(0, rotate.exitCode(), rotate.toString());
        AgentConfig c = config();
        assertEquals(2, c.keyVersion());
        KeyId kid2 = new KeyId(DEVICE, 2);
        SigningKey key = DeviceKeyFile.load(c.keyFile(), kid2);
        assertEquals(stub.deviceKey(kid2), key.verificationKey(), "the receiver has the key the device now uses");
        assertEquals(KeyType.P256, key.type());
        List<String> handles = persistentHandles();
        assertTrue(handles.contains("0x81000101") && !handles.contains("0x81000100"), "old key destroyed, new kept: " + handles);
        new MessageVerifier(KeyResolver.of(stub.deviceKey(kid2))).verify(supportRequest(key).compact(), DEVICE);
        assertFalse(Files.exists(c.keyFile().resolveSibling("device-key.pem.pending")));
    }

    @Test
    void a_rotation_the_receiver_refuses_destroys_the_new_key_and_keeps_the_old() throws Exception {
        assertEquals(0, setup().exitCode());
        stub.forget(DEVICE);
        Map<String, String> before = Cli.snapshot(etc, data);
        Cli.Run rotate = Cli.run("", "rotate-key", "--config-dir", etc.toString(), "--data-dir", data.toString());
        assertEquals(Exit.RECEIVER, rotate.exitCode(), rotate.toString());
        assertEquals(before, Cli.snapshot(etc, data));
        assertEquals(List.of("0x81000100"), persistentHandles().stream().filter(h -> TpmKey.KEY_HANDLES.contains(Integer.parseUnsignedInt(h.substring(2), 16))).toList());
    }

    @Test
    void deprovisioning_destroys_the_key_and_the_attestation_key_in_the_tpm() throws Exception {
        assertEquals(0, setup().exitCode());
        assertTrue(persistentHandles().containsAll(List.of("0x81000100", "0x81000102")), persistentHandles().toString());
        Cli.Run run = Cli.run("", "deprovision", "--config-dir", etc.toString(), "--data-dir", data.toString(), "--yes");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("destroyed inside the TPM"), run.out());
        List<String> handles = persistentHandles();
        assertFalse(handles.contains("0x81000100") || handles.contains("0x81000101") || handles.contains("0x81000102"), handles.toString());
        assertNull(stub.deviceKey(new KeyId(DEVICE, 1)));
        assertFalse(Files.exists(data.resolve("device-key.pem")));
    }

    @Test
    void a_failed_enrollment_leaves_no_key_in_the_tpm_and_no_file() throws Exception {
        Cli.Run refused = setupWithCode(EnrollmentCode.generate(new SecureRandom()).toString());
        assertEquals(Exit.RECEIVER, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("new TPM key was destroyed"), refused.err());
        assertFalse(persistentHandles().contains("0x81000100"), persistentHandles().toString());
        assertFalse(Files.exists(etc.resolve("agent.properties")));
    }

    @Test
    void setting_up_again_destroys_the_previous_tpm_key() throws Exception {
        assertEquals(0, setup().exitCode());
        Cli.Run again = setup();
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().contains("previous device key was destroyed"), again.out());
        assertEquals(List.of("0x81000101"), persistentHandles().stream().filter(h -> TpmKey.KEY_HANDLES.contains(Integer.parseUnsignedInt(h.substring(2), 16))).toList());
    }
}
