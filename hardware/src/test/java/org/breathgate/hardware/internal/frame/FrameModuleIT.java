package org.breathgate.hardware.internal.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.Breathalysers;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.DeviceTimeoutException;
import org.breathgate.hardware.FrameModuleConfig;
import org.breathgate.hardware.Measurement;
import org.breathgate.hardware.PpmConversion;
import org.breathgate.hardware.ProtocolException;
import org.breathgate.hardware.SensorInfo;
import org.breathgate.hardware.SerialPortConfig;
import org.breathgate.hardware.TestEvent;
import org.breathgate.hardware.internal.serial.SerialLink;
import org.breathgate.hardware.sim.PtyPair;
import org.breathgate.hardware.sim.SocatPtyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The frame driver over a socat pty pair, the test playing a 0–2000 ppm module on the far end. */
// The far-end device is a try resource only so that it is stopped; the body need not touch it.
@SuppressWarnings("try")
@Timeout(20)
@ExtendWith(SocatPtyExtension.class)
class FrameModuleIT {

    private static final Clock CLOCK = Clock.systemUTC();
    private static final SensorInfo SENSOR = new SensorInfo("Winsen ZE-test", "M-1", Optional.empty(), Optional.empty());

    private static FrameModuleConfig config(PtyPair pty) {
        return new FrameModuleConfig(SerialPortConfig.of(pty.hostEnd().toString(), 9600), SENSOR, new BigDecimal("2000"),
                BigDecimal.ONE, PpmConversion.breath(), FrameModuleConfig.DEFAULT_MINIMUM_FULL_SCALE, Duration.ZERO,
                Duration.ofMillis(200), Duration.ofMillis(20), Duration.ofMillis(200), 3);
    }

    /** Answers the n-th read request (from 0) with the bytes {@code reply} gives, or nothing for null. */
    private static AutoCloseable module(PtyPair pty, IntFunction<byte[]> reply) throws Exception {
        SerialLink link = new SerialLink(SerialPortConfig.of(pty.deviceEnd().toString(), 9600), Duration.ofMillis(10));
        link.open();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        CompletableFuture<Void> loop = CompletableFuture.runAsync(() -> {
            Frames.Decoder decoder = new Frames.Decoder();
            byte[] buffer = new byte[64];
            while (running.get()) {
                try {
                    int n = link.read(buffer);
                    for (byte[] frame : decoder.feed(buffer, 0, n)) {
                        if ((frame[2] & 0xFF) == Frames.READ) {
                            byte[] out = reply.apply(reads.getAndIncrement());
                            if (out != null) {
                                link.write(out);
                            }
                        }
                    }
                } catch (DeviceDisconnectedException e) {
                    return;
                }
            }
        });
        return () -> {
            running.set(false);
            loop.get(2, TimeUnit.SECONDS);
            link.close();
        };
    }

    private static TestEvent.Terminal test(Breathalyser b) throws Exception {
        b.open(Duration.ofSeconds(2));
        b.awaitReady(Duration.ofSeconds(1));
        return b.runTest(Duration.ofSeconds(3), e -> { });
    }

    @Test
    void the_peak_reading_in_the_window_is_converted_to_micrograms(PtyPair pty) throws Exception {
        int[] counts = {0, 0, 40, 120, 90};
        try (AutoCloseable m = module(pty, n -> Frames.readReply(counts[Math.min(n, counts.length - 1)]));
             Breathalyser b = Breathalysers.create(config(pty), CLOCK)) {
            TestEvent.Result r = assertInstanceOf(TestEvent.Result.class, test(b));
            assertEquals(OptionalInt.of(219), r.result().microgramsPerLitre());
            assertEquals(Optional.empty(), r.result().blowDuration());
        }
    }

    @Test
    void garbage_and_corrupted_frames_are_retried_not_misread(PtyPair pty) throws Exception {
        byte[] noisy = HexFormat.ofDelimiter(" ").parseHex("00 ff 13 ff 86 09 99 00 00 00 00 00");
        try (AutoCloseable m = module(pty, n -> n % 2 == 1 ? noisy : concat(new byte[] {0x55, (byte) 0xFF}, Frames.readReply(100)));
             Breathalyser b = Breathalysers.create(config(pty), CLOCK)) {
            TestEvent.Result r = assertInstanceOf(TestEvent.Result.class, test(b));
            assertEquals(OptionalInt.of(183), r.result().microgramsPerLitre());
        }
    }

    @Test
    void a_saturated_module_reports_over_range_not_its_full_scale_number(PtyPair pty) throws Exception {
        try (AutoCloseable m = module(pty, n -> Frames.readReply(n == 0 ? 0 : 2000));
             Breathalyser b = Breathalysers.create(config(pty), CLOCK)) {
            TestEvent.Result r = assertInstanceOf(TestEvent.Result.class, test(b));
            assertEquals(new Measurement.OverRange(3656), r.result().measurement());
        }
    }

    @Test
    void a_silent_module_times_out_at_open(PtyPair pty) throws Exception {
        try (AutoCloseable m = module(pty, n -> null);
             Breathalyser b = Breathalysers.create(config(pty), CLOCK)) {
            assertThrows(DeviceTimeoutException.class, () -> b.open(Duration.ofSeconds(2)));
        }
    }

    @Test
    void a_module_sending_only_corrupted_frames_is_a_protocol_error(PtyPair pty) throws Exception {
        byte[] bad = Frames.readReply(100);
        bad[8]++;
        try (AutoCloseable m = module(pty, n -> bad);
             Breathalyser b = Breathalysers.create(config(pty), CLOCK)) {
            assertThrows(ProtocolException.class, () -> b.open(Duration.ofSeconds(2)));
        }
    }

    @Test
    void a_module_unplugged_mid_test_ends_in_disconnected(PtyPair pty) throws Exception {
        try (AutoCloseable m = module(pty, n -> {
            if (n == 2) {
                pty.unplug();
                return null;
            }
            return Frames.readReply(0);
        });
             Breathalyser b = Breathalysers.create(config(pty), CLOCK)) {
            TestEvent.Error e = assertInstanceOf(TestEvent.Error.class, test(b));
            assertInstanceOf(DeviceDisconnectedException.class, e.cause());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
