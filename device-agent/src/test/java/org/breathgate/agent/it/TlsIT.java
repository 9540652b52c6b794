package org.breathgate.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.Hardware;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.hardware.sim.FakeBreathalyser;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker connection over TLS against real Mosquitto: the broker's certificate is checked
 * against the configured CA, a broker with another CA's certificate gets no connection at all (and
 * the agent does not fall back to the plain listener), and a client certificate is presented when
 * configured, which a broker demanding one requires.
 */
@Timeout(90)
class TlsIT {

    @TempDir
    Path dir;

    private DeviceAgent start(String deviceId, Map<String, String> settings) throws Exception {
        Map<String, String> s = AgentFixture.settings(dir, deviceId, settings.get("mqtt.uri"));
        s.putAll(settings);
        DeviceAgent agent = new DeviceAgent(AgentFixture.config(s), new Hardware(new FakeBreathalyser(Clock.systemUTC()),
                new SoftPanel(Clock.systemUTC())), Voice.silent(), new SystemClockSource(Clock.systemUTC(), () -> true), new Random(1));
        agent.start();
        return agent;
    }

    @Test
    void the_agent_publishes_over_tls_to_a_broker_whose_certificate_chains_to_the_configured_ca() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(MosquittoBroker.Options.plain().withTls());
             TestReceiver receiver = new TestReceiver(broker.uri(), "home-tls-1")) {
            try (DeviceAgent agent = start("home-tls-1", Map.of("mqtt.uri", broker.tlsUri(),
                    "mqtt.tls.ca", broker.certificates().caCertificate().toString()))) {
                agent.requestSupport(org.breathgate.protocol.SupportNeed.CALL_ME);
                receiver.await(() -> receiver.stored("home-tls-1").size() == 1, Duration.ofSeconds(20), "the support request over TLS");
                assertInstanceOf(SupportRequest.class, receiver.events("home-tls-1").get(0));
            }
        }
    }

    @Test
    void a_broker_with_a_certificate_from_another_ca_gets_no_connection_and_nothing_goes_over_plain() throws Exception {
        TestCertificates other = TestCertificates.create(dir.resolve("other-ca"));
        try (MosquittoBroker broker = MosquittoBroker.start(MosquittoBroker.Options.plain().withTls());
             TestReceiver receiver = new TestReceiver(broker.uri(), "home-tls-2")) {
            try (DeviceAgent agent = start("home-tls-2", Map.of("mqtt.uri", broker.tlsUri(),
                    "mqtt.tls.ca", other.caCertificate().toString()))) {
                agent.requestSupport(org.breathgate.protocol.SupportNeed.CALL_ME);
                Thread.sleep(4000); // several reconnect attempts (backoff 100 ms .. 1 s)
                assertEquals(0, agent.status().publisher().connects(), "no connection was ever made");
                assertEquals(1, agent.outboxStats().depth(), "the event waits in the outbox");
                assertTrue(receiver.stored("home-tls-2").isEmpty());
            }
            assertFalse(broker.log().contains(" as home-tls-2"), "the agent never connected, on either listener:\n" + broker.log());
        }
    }

    @Test
    void a_client_certificate_is_presented_when_configured_and_required_by_the_broker() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("mtls"));
        Path keystore = clientKeystore(certs, "home-tls-3");
        int mtlsPort = Ports.free();
        MosquittoBroker.Options options = MosquittoBroker.Options.plain()
                .withConfigLine("listener " + mtlsPort + " 127.0.0.1")
                .withConfigLine("cafile " + certs.caCertificate())
                .withConfigLine("certfile " + certs.serverCertificate())
                .withConfigLine("keyfile " + certs.serverKey())
                .withConfigLine("require_certificate true");
        try (MosquittoBroker broker = MosquittoBroker.start(options); TestReceiver receiver = new TestReceiver(broker.uri(), "home-tls-3", "home-tls-4")) {
            assertTrue(Ports.awaitAccepting(mtlsPort, Duration.ofSeconds(10)), "the mutual-TLS listener is up");
            String uri = "ssl://127.0.0.1:" + mtlsPort;
            try (DeviceAgent without = start("home-tls-4", Map.of("mqtt.uri", uri, "mqtt.tls.ca", certs.caCertificate().toString()))) {
                without.requestSupport(org.breathgate.protocol.SupportNeed.CALL_ME);
                Thread.sleep(3000);
                assertEquals(0, without.status().publisher().connects(), "without a client certificate the broker refuses");
            }
            try (DeviceAgent with = start("home-tls-3", Map.of("mqtt.uri", uri, "mqtt.tls.ca", certs.caCertificate().toString(),
                    "mqtt.tls.keystore", keystore.toString(), "mqtt.tls.keystore.password", "changeit"))) {
                with.requestSupport(org.breathgate.protocol.SupportNeed.CALL_ME);
                receiver.await(() -> receiver.stored("home-tls-3").size() == 1, Duration.ofSeconds(20), "the support request over mutual TLS");
            }
            assertTrue(receiver.stored("home-tls-4").isEmpty());
        }
    }

    /** A client certificate for {@code cn} signed by the test CA, with its key, in a PKCS#12 file (password changeit). */
    private Path clientKeystore(TestCertificates certs, String cn) throws Exception {
        Path d = certs.caCertificate().getParent();
        Path caKey = d.resolve("ca.key");
        openssl(d, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "client.key",
                "-out", "client.csr", "-subj", "/CN=" + cn);
        openssl(d, "x509", "-req", "-in", "client.csr", "-CA", certs.caCertificate().toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", "client.crt", "-days", "30");
        openssl(d, "pkcs12", "-export", "-in", "client.crt", "-inkey", "client.key", "-out", "client.p12", "-passout", "pass:changeit");
        return d.resolve("client.p12");
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }
}
