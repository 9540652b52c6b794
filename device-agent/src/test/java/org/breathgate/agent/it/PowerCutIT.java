package org.breathgate.agent.it;

import org.breathgate.testkit.TestBroker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.breathgate.agent.outbox.Outbox;
import org.breathgate.protocol.DeviceStatus;
import org.breathgate.protocol.Reading;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent runs in its own JVM while readings flow and is killed with SIGKILL at random moments,
 * fifty times. Afterwards every event the agent stored has reached the receiver exactly once, first
 * arriving in sequence order, with no gap in the sequence numbers.
 */
class PowerCutIT {

    private static final String DEVICE = "home-powercut";
    private static final int CYCLES = 50;

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void readings_survive_fifty_power_cuts_exactly_once_in_order_without_gaps() throws Exception {
        Random random = new Random(20261125);
        try (TestBroker broker = Brokers.mosquitto(); TestReceiver receiver = new TestReceiver(broker.uri(), DEVICE)) {
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                Process agent = startAgent(broker.uri(), "loop");
                try {
                    awaitReady(agent);
                    Thread.sleep(100 + random.nextInt(900));
                } finally {
                    agent.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no clean disconnect
                    agent.waitFor(10, TimeUnit.SECONDS);
                }
            }
            long lastSeq;
            try (Outbox outbox = Outbox.open(dir.resolve("data-" + DEVICE).resolve("outbox.db"), DEVICE, 1)) {
                lastSeq = outbox.stats().lastSeq();
            }
            Process drain = startAgent(broker.uri(), "drain");
            try {
                awaitReady(drain);
                receiver.await(() -> receiver.stored(DEVICE).size() >= lastSeq, Duration.ofSeconds(60), "all " + lastSeq + " events");
            } finally {
                drain.destroyForcibly();
                drain.waitFor(10, TimeUnit.SECONDS);
            }

            TreeMap<Long, String> stored = receiver.stored(DEVICE);
            assertEquals(lastSeq, stored.size(), "one stored event per sequence number");
            assertEquals(1L, stored.firstKey());
            assertEquals(lastSeq, stored.lastKey(), "no gap: 1.." + lastSeq);
            List<Long> order = receiver.arrivalOrder(DEVICE);
            List<Long> sorted = new ArrayList<>(order);
            sorted.sort(null);
            assertEquals(sorted, order, "first arrivals are in sequence order");
            assertEquals(List.of(), receiver.problems(), "every message verified and no number came with other bytes");
            long readings = receiver.events(DEVICE).stream().filter(Reading.class::isInstance).count();
            assertTrue(readings > CYCLES, "readings flowed: only " + readings);
            assertTrue(receiver.statuses().stream().anyMatch(s -> !s.online()), "the broker sent the signed last will");
            assertTrue(receiver.statuses().stream().filter(s -> !s.online()).allMatch(DeviceStatus::online) == false);
        }
    }

    private Process startAgent(String brokerUri, String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", PowerCutAgentMain.class.getName(), dir.toString(), DEVICE, brokerUri, mode)
                .redirectErrorStream(true).start();
    }

    private static void awaitReady(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null) {
            if (line.equals("READY")) {
                Thread drainer = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe from filling
                        }
                    } catch (java.io.IOException e) {
                        // process gone
                    }
                });
                drainer.setDaemon(true);
                drainer.start();
                return;
            }
            seen.append(line).append('\n');
            if (System.nanoTime() > end) {
                break;
            }
        }
        throw new AssertionError("agent process did not start:\n" + seen);
    }
}
