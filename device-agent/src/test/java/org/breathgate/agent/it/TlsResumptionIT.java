package org.breathgate.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.Hardware;
import org.breathgate.agent.bench.TlsHandshakes;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.hardware.sim.FakeBreathalyser;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dropped link costs a resumed TLS handshake, not a full one: the agent keeps one TLS context for the life of
 * its publisher, so the broker's TLS 1.3 session tickets (Mosquitto through OpenSSL sends two after each handshake)
 * wait in the JDK's client session cache, and the reconnect after the drop offers one and the broker accepts it.
 * Measured on the wire through a counting proxy: the resumed handshake's server flight carries no certificate.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsResumptionIT {

    @TempDir
    Path dir;

    @Test
    void after_the_link_drops_the_agent_reconnects_with_a_resumed_tls_session_that_costs_fewer_bytes() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(MosquittoBroker.Options.plain().withTls());
             TcpProxy proxy = TcpProxy.start(URI.create(broker.tlsUri()).getPort())) {
            TlsHandshakes handshakes = new TlsHandshakes();
            proxy.tap(handshakes);
            Map<String, String> s = AgentFixture.settings(dir, "home-resume", "ssl://127.0.0.1:" + proxy.port());
            s.put("mqtt.tls.ca", broker.certificates().caCertificate().toString());
            try (DeviceAgent agent = new DeviceAgent(AgentFixture.config(s), new Hardware(new FakeBreathalyser(Clock.systemUTC()),
                    new SoftPanel(Clock.systemUTC())), Voice.silent(), new SystemClockSource(Clock.systemUTC(), () -> true), new Random(1))) {
                agent.start();
                awaitConnects(agent, 1);
                Thread.sleep(1000); // the broker's session tickets follow the handshake
                for (int drop = 1; drop <= 2; drop++) {
                    proxy.cut(); // reset, as a weak link ends a connection: no close_notify
                    Thread.sleep(300);
                    proxy.restore();
                    awaitConnects(agent, 1 + drop);
                    Thread.sleep(1000);
                }
            }
            List<TlsHandshakes.Handshake> seen = new ArrayList<>();
            handshakes.connections().values().stream().filter(TlsHandshakes.Handshake::seen).forEach(seen::add);
            System.out.println("TLS handshakes of the agent's connections: " + seen);
            assertEquals(3, seen.size(), "the start and a reconnect after each of two drops: " + seen);
            TlsHandshakes.Handshake first = seen.get(0);
            assertFalse(first.offered(), "the first connection has no session to resume: " + first);
            for (TlsHandshakes.Handshake again : seen.subList(1, 3)) {
                assertTrue(again.offered(), "the reconnect after a drop offers a session ticket: " + seen);
                assertTrue(again.resumed(), "and the broker resumes the session: " + seen);
                assertTrue(again.serverFlightBytes() + 500 < first.serverFlightBytes(),
                        "a resumed handshake carries no certificate chain: " + seen);
            }
        }
    }

    private static void awaitConnects(DeviceAgent agent, long connects) throws InterruptedException {
        long end = System.currentTimeMillis() + 30_000;
        while (!(agent.status().publisher().connected() && agent.status().publisher().connects() >= connects)
                && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
        assertTrue(agent.status().publisher().connects() >= connects, "connected " + connects + " time(s): " + agent.status());
    }
}
