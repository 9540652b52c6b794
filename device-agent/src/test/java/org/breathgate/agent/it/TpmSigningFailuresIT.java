package org.breathgate.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.Hardware;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.agent.tpm.Tpm2Tools;
import org.breathgate.agent.tpm.TpmKey;
import org.breathgate.hardware.sim.FakeBreathalyser;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TamperKind;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.testkit.SoftwareTpm;
import org.breathgate.testkit.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running agent with its key in a real TPM 2.0 (swtpm) when the TPM fails: killed mid-run, or absent when the
 * agent starts. Nothing is lost (the reading is stored, unsigned), nothing unsigned leaves the device, the daemon
 * keeps running, and when the TPM answers again the reading is signed, delivered and verified, with a signed
 * {@code device_integrity} report of what was signed late. A TPM that hangs (accepts and never answers) is cut off
 * by the signing time limit rather than holding the agent for ever.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TpmSigningFailuresIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

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

    private DeviceAgent agent(Map<String, String> settings) throws Exception {
        return new DeviceAgent(AgentFixture.config(settings), new Hardware(new FakeBreathalyser(Clock.systemUTC()).thenMeasures(0),
                new SoftPanel(Clock.systemUTC())), Voice.silent(), new SystemClockSource(Clock.systemUTC(), () -> true), new Random(1));
    }

    @Test
    void a_reading_taken_while_the_tpm_is_gone_is_kept_unsigned_and_signed_sent_and_reported_when_it_answers_again() throws Exception {
        String device = "home-tpm-gone";
        try (SoftwareTpm tpm = SoftwareTpm.start(dir.resolve("tpm"), SoftwareTpm.LocalCa.in(dir.resolve("ca")));
             TestBroker broker = Brokers.mosquitto()) {
            TpmKey key = makeKey(tpm, dir.resolve("etc").resolve(device + ".key"), new KeyId(device, 1));
            Map<String, String> settings = AgentFixture.settings(dir, device, broker.uri());
            settings.put("key.store", "tpm");
            try (TestReceiver receiver = new TestReceiver(broker.uri(), KeyResolver.of(key.publicKey()), null, null);
                 DeviceAgent agent = agent(settings)) {
                agent.start();
                receiver.await(() -> agent.status().publisher().connected(), WAIT, "connected");

                tpm.kill(); // the module stops answering mid-run
                agent.requestTest();
                long end = System.currentTimeMillis() + WAIT.toMillis();
                while (agent.outboxStats().depth() < 1 && System.currentTimeMillis() < end) {
                    Thread.sleep(100);
                }
                assertEquals(1, agent.outboxStats().depth(), "the reading is stored although the TPM cannot sign it");
                assertTrue(agent.status().warnings().contains("events_awaiting_signature"), agent.status().warnings().toString());
                Thread.sleep(3000);
                assertEquals(List.of(), receiver.events(device), "nothing unsigned left the device");
                assertTrue(agent.status().publisher().connected(), "the connection does not depend on the key");

                tpm.restart();
                receiver.await(() -> receiver.events(device).size() >= 2, WAIT, "the reading and the report, signed late");
                List<EvidenceEvent> got = new ArrayList<>(receiver.events(device));
                Reading reading = assertInstanceOf(Reading.class, got.get(0));
                assertEquals(1, reading.seq());
                TamperEvent report = assertInstanceOf(TamperEvent.class, got.get(1));
                assertEquals(TamperKind.DEVICE_INTEGRITY, report.kind());
                assertTrue(report.detail().contains("seq 1 to 1, were stored unsigned"), report.detail());
                assertEquals(List.of(), receiver.problems(), "every message verified");
                assertTrue(reading.clock().wall().isBefore(report.clock().wall()), "the reading keeps the moment it was taken");
            }
        }
    }

    @Test
    void the_agent_starts_without_its_tpm_and_signs_what_it_kept_once_the_tpm_is_there() throws Exception {
        String device = "home-tpm-late";
        try (SoftwareTpm tpm = SoftwareTpm.start(dir.resolve("tpm"), SoftwareTpm.LocalCa.in(dir.resolve("ca")));
             TestBroker broker = Brokers.mosquitto()) {
            TpmKey key = makeKey(tpm, dir.resolve("etc").resolve(device + ".key"), new KeyId(device, 1));
            Map<String, String> settings = AgentFixture.settings(dir, device, broker.uri());
            settings.put("key.store", "tpm");
            tpm.kill();
            try (TestReceiver receiver = new TestReceiver(broker.uri(), KeyResolver.of(key.publicKey()), null, null);
                 DeviceAgent agent = agent(settings)) {
                agent.start();
                agent.requestSupport(org.breathgate.protocol.SupportNeed.CALL_ME);
                long end = System.currentTimeMillis() + WAIT.toMillis();
                while (agent.outboxStats().depth() < 1 && System.currentTimeMillis() < end) {
                    Thread.sleep(100);
                }
                assertEquals(1, agent.outboxStats().depth(), "the support request is kept");
                tpm.restart();
                receiver.await(() -> receiver.events(device).size() >= 2, WAIT, "the request and the report, signed late");
                assertInstanceOf(SupportRequest.class, receiver.events(device).get(0));
                assertEquals(List.of(), receiver.problems());
            }
        }
    }

    @Test
    void a_tpm_that_accepts_and_never_answers_fails_the_signature_within_its_time_limit() throws Exception {
        String device = "home-tpm-hung";
        KeyId kid = new KeyId(device, 1);
        TpmKey real;
        try (SoftwareTpm tpm = SoftwareTpm.start(dir.resolve("tpm"), SoftwareTpm.LocalCa.in(dir.resolve("ca")))) {
            real = makeKey(tpm, dir.resolve("etc").resolve(device + ".key"), kid);
        }
        // A "TPM" on the swtpm TCTI's two ports that takes connections and says nothing: tpm2_sign would wait for ever.
        ServerSocket[] pair = portPair();
        try (ServerSocket command = pair[0]; ServerSocket control = pair[1]) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(command.accept());
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String tcti = "swtpm:host=127.0.0.1,port=" + command.getLocalPort();
            TpmKey hung = new TpmKey(tcti, real.handle(), real.auth(), real.publicKey(), real.keyPublic(), real.creationData(),
                    real.creationHash(), real.creationTicket());
            try (Tpm2Tools tools = new Tpm2Tools(tcti)) {
                MessageSigner signer = new MessageSigner(hung.signingKey(tools, kid));
                long start = System.nanoTime();
                SigningKey.SigningFailedException e = assertThrows(SigningKey.SigningFailedException.class,
                        () -> signer.sign(new SupportRequest(device, 1, new ClockFacts(java.time.Instant.now(), "boot", 1, true))));
                double seconds = (System.nanoTime() - start) / 1e9;
                assertTrue(e.getMessage().contains("did not finish within 10 s"), e.getMessage());
                assertTrue(seconds < 40, "cut off by the time limit, took " + seconds + " s");
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    /** Two listening sockets on adjacent ports: the swtpm TCTI reaches the control channel on the command port + 1. */
    private static ServerSocket[] portPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            ServerSocket command = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            try {
                return new ServerSocket[] {command, new ServerSocket(command.getLocalPort() + 1, 50, InetAddress.getLoopbackAddress())};
            } catch (IOException e) {
                command.close(); // the next port is taken: try another pair
            }
        }
        throw new IOException("no two adjacent free loopback ports");
    }
}
