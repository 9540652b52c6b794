package org.breathgate.receiver.app.bench;

import org.breathgate.testkit.MosquittoBroker;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reconnect storm as a test of correctness, not of speed: a thousand devices with a hundred
 * buffered readings each connect at once, and every reading is stored exactly once and acked.
 * Timings are printed, never asserted ({@code bin/benchmarks} reports them).
 * {@code -Dstorm.devices} and {@code -Dstorm.readings} shrink it for a quick local run.
 */
class ReconnectStormIT {

    @Test
    void a_thousand_devices_reconnecting_at_once_have_every_buffered_reading_stored_exactly_once_and_acked() throws Exception {
        int devices = Integer.getInteger("storm.devices", 1000);
        int readings = Integer.getInteger("storm.readings", 100);
        try (MosquittoBroker broker = MosquittoBroker.start(MosquittoBroker.Options.plain()
                .withConfigLine("max_queued_messages 1000000").withConfigLine("max_inflight_messages 200"))) {
            ReconnectStorm.Result result = ReconnectStorm.run(broker.uri(), devices, readings, 128, IngestBenchmark.LOGIN);
            System.out.println(result.line());
            assertEquals((long) devices * readings, result.rows(), "evidence rows, each (device, seq) once");
            assertEquals((long) devices * readings, result.stored(), "readings the receiver stored (not answered DUPLICATE)");
        }
    }
}
