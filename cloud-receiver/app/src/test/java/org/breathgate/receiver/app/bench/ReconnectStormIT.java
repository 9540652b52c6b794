package org.breathgate.receiver.app.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reconnect storm as a test of correctness, small enough for every build: 200 devices with 20 buffered readings each,
 * each logged in to Mosquitto as itself, connect at once; every reading is stored exactly once and acked, and no device
 * waits longer than {@link ReconnectStorm#FIRST_ACK_BOUND} for its first ack. The full storm (1 000 × 100) is
 * {@code bin/benchmarks}'; {@code -Dstorm.devices} and {@code -Dstorm.readings} run it here.
 */
class ReconnectStormIT {

    @Test
    void devices_reconnecting_at_once_have_every_buffered_reading_stored_exactly_once_and_each_its_first_ack_within_the_bound()
            throws Exception {
        int devices = Integer.getInteger("storm.devices", 200);
        int readings = Integer.getInteger("storm.readings", 20);
        ReconnectStorm.Result result = ReconnectStorm.run(devices, readings, 128);
        System.out.println(result.line());
        assertEquals((long) devices * readings, result.rows(), "evidence rows, each (device, seq) once");
        assertEquals((long) devices * readings, result.stored(), "readings the receiver stored (not answered DUPLICATE)");
        Duration slowest = Duration.ofMillis(result.firstAckMaxMs());
        assertTrue(result.firstAckMaxMs() >= 0 && slowest.compareTo(ReconnectStorm.FIRST_ACK_BOUND) <= 0,
                "a device waited " + slowest + " for its first ack; the bound is " + ReconnectStorm.FIRST_ACK_BOUND);
    }
}
