package org.breathgate.agent.bench;

import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.Hardware;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.it.AgentFixture;
import org.breathgate.agent.it.TestReceiver;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.hardware.sim.FakeBreathalyser;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.Schedule;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.TcpProxy;
import org.breathgate.testkit.TestKeys;

/**
 * A device's data use on the wire (not a test). Run: {@code mvn -B -pl device-agent -Pbench test-compile exec:java
 * -Dexec.mainClass=org.breathgate.agent.bench.DataUseBenchmark}; {@code bin/benchmarks} runs it too.
 *
 * <p>One compressed day ({@code schedule.minute.ms}; a day in 1440 × 60 000 / {@code bench.scale} ms, 288 s by
 * default) of the agent's default settings: two scheduled tests (08:00 and 20:00, each taken in its window), the
 * heartbeat interval and MQTT keep-alive of the defaults divided by the same scale (they run on real time, not the
 * schedule's), and one reconnect mid-day (the link drops once). Two agents run it side by side through counting
 * TCP proxies to one Mosquitto: one over TLS (what is on the wire), one over plain TCP, whose MQTT packets are told
 * apart by kind ({@link MqttTally}) for the breakdown. Then the receiver's signed configuration (retained, so sent
 * again at every connect) is published once, and two TLS handshakes of the JDK's client are counted: a full one
 * and one resumed with the first's TLS 1.3 session ticket. The month is 30 such days plus the configuration
 * once per connect.
 *
 * <p>What a proxy cannot see: TCP/IP headers (about 52 bytes a packet, more on a mobile network); printed as an
 * estimate from the proxy's reads, beside the payload.
 */
public final class DataUseBenchmark {

    private static final long SCALE = Long.getLong("bench.scale", 300);
    private static final long MINUTE_MS = 60_000 / SCALE;
    private static final int TLS_RECORD_OVERHEAD = 22; // TLS 1.3, AES-GCM: 5 header + 1 content type + 16 tag
    private static final int TCP_IP_HEADERS = 52; // IPv4 20 + TCP 20 + timestamps 12

    private DataUseBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("bg-data");
        AgentConfig defaults = AgentFixture.config(Map.of("device.id", "home-defaults", "key.file", "/nonexistent",
                "receiver.key.1", "/nonexistent", "mqtt.uri", "tcp://127.0.0.1:1883"));
        Duration heartbeat = defaults.statusInterval();
        Duration keepAlive = defaults.mqtt().keepAlive();
        long heartbeatScaled = Math.max(1, heartbeat.toSeconds() / SCALE);
        long keepAliveScaled = Math.max(5, keepAlive.toSeconds() / SCALE);
        System.out.printf("defaults: heartbeat every %d s, MQTT keep-alive %d s; compressed %d times: a day in %d s, heartbeat %d s,"
                + " keep-alive %d s%n", heartbeat.toSeconds(), keepAlive.toSeconds(), SCALE, 86_400 / SCALE, heartbeatScaled, keepAliveScaled);

        try (MosquittoBroker broker = MosquittoBroker.start(MosquittoBroker.Options.plain().withTls());
             TestReceiver receiver = new TestReceiver(broker.uri(), "home-data-tls", "home-data-plain");
             TcpProxy tls = TcpProxy.start(URI.create(broker.tlsUri()).getPort());
             TcpProxy plain = TcpProxy.start(broker.port())) {
            MqttTally tally = new MqttTally();
            plain.tap(tally);
            TlsHandshakes handshakes = new TlsHandshakes();
            tls.tap(handshakes);
            Map<String, String> common = Map.of("schedule.slots", "08:00,20:00", "schedule.minute.ms", Long.toString(MINUTE_MS),
                    "status.interval.s", Long.toString(heartbeatScaled), "mqtt.keepalive.s", Long.toString(keepAliveScaled),
                    "mqtt.ack.timeout.s", "30", "mqtt.backoff.initial.ms", "1000", "tick.ms", "100");
            Map<String, String> tlsSettings = new HashMap<>(AgentFixture.settings(dir, "home-data-tls", "ssl://127.0.0.1:" + tls.port()));
            tlsSettings.putAll(common);
            tlsSettings.put("mqtt.tls.ca", broker.certificates().caCertificate().toString());
            Map<String, String> plainSettings = new HashMap<>(AgentFixture.settings(dir, "home-data-plain", plain.uri()));
            plainSettings.putAll(common);

            TcpProxy.Traffic tlsStart = tls.traffic();
            TcpProxy.Traffic plainStart = plain.traffic();
            long dayMs = 1440 * MINUTE_MS;
            int tests;
            try (DeviceAgent a = agent(tlsSettings); DeviceAgent b = agent(plainSettings)) {
                a.start();
                b.start();
                long start = System.currentTimeMillis();
                Set<Long> pressed = new HashSet<>();
                boolean dropped = false;
                while (System.currentTimeMillis() - start < dayMs) {
                    long now = System.currentTimeMillis();
                    long day = now / dayMs;
                    long minute = (now % dayMs) / MINUTE_MS;
                    for (long slot : new long[] {8 * 60, 20 * 60}) {
                        if (minute >= slot + 5 && minute < slot + 25 && pressed.add(day * 10_000 + slot)) {
                            a.requestTest(); // the parent presses start in the window
                            b.requestTest();
                        }
                    }
                    if (!dropped && now - start > dayMs / 2) {
                        dropped = true;
                        tls.cut();
                        plain.cut();
                        Thread.sleep(500);
                        tls.restore();
                        plain.restore();
                    }
                    Thread.sleep(50);
                }
                tests = pressed.size();
                awaitDrained(a, b);
            }
            TcpProxy.Traffic tlsDay = tls.traffic().minus(tlsStart);
            System.out.println("the agent's TLS handshakes in the day, by connection: " + handshakes.connections());
            TcpProxy.Traffic plainDay = plain.traffic().minus(plainStart);
            Map<String, MqttTally.Count> day = tally.counts();

            // The receiver's configuration, retained: delivered now, and again at every connect. Agents with defaults.
            long configTls;
            long configPlain;
            Map<String, String> tlsAgain = new HashMap<>(tlsSettings);
            tlsAgain.remove("status.interval.s");
            tlsAgain.remove("mqtt.keepalive.s");
            Map<String, String> plainAgain = new HashMap<>(plainSettings);
            plainAgain.remove("status.interval.s");
            plainAgain.remove("mqtt.keepalive.s");
            try (DeviceAgent a = agent(tlsAgain); DeviceAgent b = agent(plainAgain)) {
                a.start();
                b.start();
                awaitConnected(a, b);
                Thread.sleep(1000);
                TcpProxy.Traffic t0 = tls.traffic();
                TcpProxy.Traffic p0 = plain.traffic();
                MessageSigner receiverKey = new MessageSigner(TestKeys.receiver());
                Schedule schedule = Schedule.withDefaults(ZoneId.of("Europe/Helsinki"),
                        List.of(Schedule.Slot.at(LocalTime.of(8, 0)), Schedule.Slot.at(LocalTime.of(20, 0))));
                for (String id : List.of("home-data-tls", "home-data-plain")) {
                    receiver.send(id, receiverKey.sign(new ConfigUpdate(id, 1, Instant.now(), schedule, new BreathAlcohol(50), "fi",
                            (int) heartbeat.toSeconds())));
                }
                long end = System.currentTimeMillis() + 20_000;
                while ((a.status().configVersion() < 1 || b.status().configVersion() < 1) && System.currentTimeMillis() < end) {
                    Thread.sleep(50);
                }
                Thread.sleep(1000);
                configTls = tls.traffic().minus(t0).bytes();
                configPlain = plain.traffic().minus(p0).bytes();
            }

            long[] full = handshake(broker, tls, null);
            SSLContext reused = context(broker);
            handshake(broker, tls, reused);
            long[] resumed = handshake(broker, tls, reused);

            report(tests, tlsDay, plainDay, day, configTls, configPlain, full, resumed);
        }
    }

    private static void report(int tests, TcpProxy.Traffic tlsDay, TcpProxy.Traffic plainDay, Map<String, MqttTally.Count> day,
                               long configTls, long configPlain, long[] full, long[] resumed) {
        System.out.printf("compressed day: %d scheduled tests, %d connections each (the start and one drop); TLS on the wire %d B"
                + " (%d up, %d down, %d reads); plain MQTT %d B%n", tests, tlsDay.connections(), tlsDay.bytes(), tlsDay.bytesUp(),
                tlsDay.bytesDown(), tlsDay.readsUp() + tlsDay.readsDown(), plainDay.bytes());
        long mqttSum = 0;
        long tlsEstimateSum = 0;
        for (Map.Entry<String, MqttTally.Count> e : day.entrySet()) {
            MqttTally.Count c = e.getValue();
            long withTls = c.bytes() + TLS_RECORD_OVERHEAD * c.packets();
            mqttSum += c.bytes();
            tlsEstimateSum += withTls;
            System.out.printf("DAY %s | %d packets | %d B MQTT (%d up, %d down) | %d B with TLS records%n", e.getKey(), c.packets(),
                    c.bytes(), c.bytesUp, c.bytesDown, withTls);
        }
        long handshakes = tlsDay.bytes() - tlsEstimateSum;
        System.out.printf("DAY TLS handshakes and the rest of TLS | %d connections | the TLS wire's %d B less the MQTT packets in TLS"
                + " records (%d B) | %d B%n", tlsDay.connections(), tlsDay.bytes(), tlsEstimateSum, handshakes);
        System.out.printf("handshake: full %d B (%d up, %d down), resumed with a session ticket %d B (%d up, %d down), each with"
                + " the server's session tickets and close%n", full[0] + full[1], full[0], full[1], resumed[0] + resumed[1], resumed[0],
                resumed[1]);
        System.out.printf("configuration (retained, once per connect): %d B with TLS, %d B plain%n", configTls, configPlain);
        long dayTls = tlsDay.bytes() + tlsDay.connections() * configTls;
        long month = 30 * dayTls;
        long headers = 30 * 2L * TCP_IP_HEADERS * (tlsDay.readsUp() + tlsDay.readsDown()) + 30 * tlsDay.connections() * 10L * TCP_IP_HEADERS;
        System.out.printf("RESULT data_use day_bytes=%d month_bytes=%d month_mb=%.2f budget_mb=2 headers_estimate_month_mb=%.2f"
                        + " mqtt_day_bytes=%d full_handshake_bytes=%d resumed_handshake_bytes=%d config_bytes=%d%n", dayTls, month,
                month / 1e6, headers / 1e6, mqttSum, full[0] + full[1], resumed[0] + resumed[1], configTls);
        long room = 2_000_000 - month;
        MqttTally.Count setUp = day.get("connection set-up (CONNECT with its will, SUBSCRIBE, and answers)");
        MqttTally.Count beats = day.get("heartbeats");
        long perConnect = (setUp.bytes() + TLS_RECORD_OVERHEAD * setUp.packets()) / Math.max(1, tlsDay.connections())
                + (beats.bytes() + TLS_RECORD_OVERHEAD * beats.packets()) / Math.max(1, beats.packetsUp) + configTls;
        System.out.printf("a reconnect costs %d B besides its handshake (CONNECT with its will, SUBSCRIBE, the retained configuration,"
                + " the status at connect): %d B resumed, %d B full; room in the budget: %d B a month, %d resumed reconnects%n", perConnect,
                perConnect + resumed[0] + resumed[1], perConnect + full[0] + full[1], room, room / (perConnect + resumed[0] + resumed[1]));
    }

    private static DeviceAgent agent(Map<String, String> settings) throws Exception {
        return new DeviceAgent(AgentFixture.config(settings), new Hardware(new FakeBreathalyser(Clock.systemUTC()),
                new SoftPanel(Clock.systemUTC())), Voice.silent(), new SystemClockSource(Clock.systemUTC(), () -> true), new Random());
    }

    private static void awaitDrained(DeviceAgent... agents) throws InterruptedException {
        long end = System.currentTimeMillis() + 60_000;
        for (DeviceAgent a : agents) {
            while ((a.outboxStats().depth() > 0 || a.status().publisher().inFlight() > 0) && System.currentTimeMillis() < end) {
                Thread.sleep(50);
            }
            if (a.outboxStats().depth() > 0) {
                throw new IllegalStateException("not drained: " + a.status());
            }
        }
        Thread.sleep(500);
    }

    private static void awaitConnected(DeviceAgent... agents) throws InterruptedException {
        long end = System.currentTimeMillis() + 30_000;
        for (DeviceAgent a : agents) {
            while (!a.status().publisher().connected() && System.currentTimeMillis() < end) {
                Thread.sleep(50);
            }
        }
    }

    private static SSLContext context(MosquittoBroker broker) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (var in = Files.newInputStream(broker.certificates().caCertificate())) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS"); // as the agent makes it (TlsSockets)
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    /** One TLS handshake of the JDK's client through the proxy, the server's tickets read, then closed: bytes up, down. */
    private static long[] handshake(MosquittoBroker broker, TcpProxy proxy, SSLContext reuse) throws Exception {
        SSLContext c = reuse == null ? context(broker) : reuse;
        TcpProxy.Traffic before = proxy.traffic();
        try (SSLSocket s = (SSLSocket) c.getSocketFactory().createSocket("127.0.0.1", proxy.port())) {
            s.startHandshake();
            s.setSoTimeout(500);
            try {
                s.getInputStream().read(); // the broker says nothing before CONNECT: this reads its session tickets
            } catch (SocketTimeoutException e) {
                // expected
            }
        }
        Thread.sleep(300);
        TcpProxy.Traffic t = proxy.traffic().minus(before);
        return new long[] {t.bytesUp(), t.bytesDown()};
    }
}
