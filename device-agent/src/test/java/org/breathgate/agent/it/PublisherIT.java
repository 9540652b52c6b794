package org.breathgate.agent.it;

import org.breathgate.testkit.TestBroker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.Hardware;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.evidence.EvidenceRecorder;
import org.breathgate.agent.outbox.Outbox;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.agent.publish.DownlinkListener;
import org.breathgate.agent.publish.MqttPublisher;
import org.breathgate.hardware.sim.FakeBreathalyser;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.DeviceStatus;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SensorState;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The publisher against real brokers: outages, small windows, reconnect loops. */
class PublisherIT {

    @TempDir
    Path dir;

    private static void assertExactlyOnceInOrder(TestReceiver receiver, String device, long lastSeq) {
        TreeMap<Long, String> stored = receiver.stored(device);
        assertEquals(lastSeq, stored.size());
        assertEquals(lastSeq, stored.lastKey().longValue());
        List<Long> order = receiver.arrivalOrder(device);
        List<Long> sorted = new ArrayList<>(order);
        sorted.sort(null);
        assertEquals(sorted, order, "first arrivals in sequence order");
        assertEquals(List.of(), receiver.problems());
    }

    @Test
    @Timeout(90)
    void readings_taken_while_the_broker_is_down_arrive_exactly_once_in_order_after_it_restarts() throws Exception {
        String device = "home-outage";
        try (TestBroker broker = Brokers.mosquitto(); TestReceiver receiver = new TestReceiver(broker.uri(), device)) {
            Map<String, String> s = AgentFixture.settings(dir, device, broker.uri());
            DeviceAgent agent = new DeviceAgent(AgentFixture.config(s), new Hardware(new FakeBreathalyser(Clock.systemUTC()),
                    new SoftPanel(Clock.systemUTC())), Voice.silent(), new SystemClockSource(Clock.systemUTC(), () -> true), new Random(5));
            AtomicBoolean pressing = new AtomicBoolean(true);
            Thread parent = new Thread(() -> {
                while (pressing.get()) {
                    agent.requestTest();
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "test-parent");
            try {
                agent.start();
                parent.start();
                Thread.sleep(1000);
                broker.stop();
                long duringOutage = agent.outboxStats().lastSeq();
                Thread.sleep(2000);
                assertTrue(agent.outboxStats().lastSeq() > duringOutage, "readings are still taken while the broker is down");
                broker.restart();
                Thread.sleep(1000);
                pressing.set(false);
                parent.join();
                long lastSeq = agent.outboxStats().lastSeq();
                receiver.await(() -> receiver.stored(device).size() >= lastSeq, Duration.ofSeconds(30), "all " + lastSeq + " events");
                receiver.await(() -> agent.outboxStats().depth() == 0, Duration.ofSeconds(30), "the outbox to empty");
                assertExactlyOnceInOrder(receiver, device, lastSeq);
            } finally {
                pressing.set(false);
                agent.close();
            }
        }
    }

    private record Parts(Outbox outbox, EvidenceRecorder recorder, AgentConfig config, MessageSigner signer) implements AutoCloseable {
        @Override
        public void close() {
            outbox.close();
        }
    }

    private Parts parts(String device, String uri, Map<String, String> extra) throws Exception {
        Map<String, String> s = AgentFixture.settings(dir, device, uri);
        s.putAll(extra);
        AgentConfig config = AgentFixture.config(s);
        Outbox outbox = Outbox.open(config.outboxFile(), device, config.outboxBudgetBytes());
        MessageSigner signer = new MessageSigner(TestKeys.device(device));
        EvidenceRecorder recorder = new EvidenceRecorder(device, signer, new SystemClockSource(Clock.systemUTC(), () -> true), outbox);
        return new Parts(outbox, recorder, config, signer);
    }

    private static MqttPublisher publisher(Parts p, String device) {
        SystemClockSource clock = new SystemClockSource(Clock.systemUTC(), () -> true);
        return new MqttPublisher(p.config().mqtt(), device, p.outbox(), new MessageVerifier(TestKeys.resolver()), p.signer(),
                online -> new DeviceStatus(device, clock.facts(), online, 0, p.outbox().stats().lastSeq(), p.outbox().stats().depth(),
                        0, 1, 0, SensorState.READY, null, DeviceAgent.VERSION, 0, List.of()),
                new DownlinkListener() {
                    @Override
                    public void configReceived(ConfigUpdate config, SignedMessage signed) {
                    }

                    @Override
                    public void configRejected(String detail) {
                    }
                }, new Random(7));
    }

    @Test
    @Timeout(90)
    void five_hundred_buffered_events_drain_through_a_window_of_four_without_paho_refusing_a_publish() throws Exception {
        String device = "home-drain";
        try (TestBroker broker = Brokers.embedded(); TestReceiver receiver = new TestReceiver(broker.uri(), device);
             Parts p = parts(device, broker.uri(), Map.of("mqtt.inflight", "4"))) {
            for (int i = 0; i < 5; i++) {
                List<EvidenceRecorder.EventFactory> batch = new ArrayList<>();
                for (int j = 0; j < 100; j++) {
                    batch.add((seq, facts) -> new SupportRequest(device, seq, facts));
                }
                p.recorder().record(batch, null);
            }
            try (MqttPublisher publisher = publisher(p, device)) {
                publisher.start();
                receiver.await(() -> p.outbox().stats().depth() == 0, Duration.ofSeconds(60), "the outbox to drain");
                assertTrue(publisher.stats().inFlight() <= 4);
            }
            assertExactlyOnceInOrder(receiver, device, 500);
        }
    }

    @Test
    @Timeout(120)
    void reconnecting_and_closing_leave_no_threads_behind() throws Exception {
        String device = "home-threads";
        try (TestBroker broker = Brokers.mosquitto(); Parts p = parts(device, broker.uri(), Map.of())) {
            Set<String> before = threadNames();
            for (int round = 0; round < 5; round++) {
                try (MqttPublisher publisher = publisher(p, device)) {
                    publisher.start();
                    awaitConnected(publisher);
                    broker.stop();
                    Thread.sleep(1500); // several failed reconnect attempts
                    broker.restart();
                    awaitConnected(publisher);
                }
            }
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            Set<String> leaked = leaked(before);
            while (!leaked.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(100);
                leaked = leaked(before);
            }
            assertEquals(Set.of(), leaked, "threads left after five reconnect-and-close rounds");
        }
    }

    private static void awaitConnected(MqttPublisher publisher) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!publisher.stats().connected()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("publisher did not connect");
            }
            Thread.sleep(20);
        }
    }

    private static Set<String> leaked(Set<String> before) {
        Set<String> now = threadNames();
        now.removeAll(before);
        return now.stream().filter(n -> n.startsWith("MQTT") || n.startsWith("breathgate") || n.contains("Paho")).collect(Collectors.toSet());
    }

    private static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .collect(Collectors.toCollection(java.util.HashSet::new));
    }
}
