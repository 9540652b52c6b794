package org.breathgate.hardware.internal.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.Breathalysers;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.DeviceTimeoutException;
import org.breathgate.hardware.ProtocolException;
import org.breathgate.hardware.SerialPortConfig;
import org.breathgate.hardware.TestEvent;
import org.breathgate.hardware.sim.PtyPair;
import org.breathgate.hardware.sim.SocatPtyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Faults the simulator does not act out, with the test playing the device on the far end. */
// The far-end device is a try resource only so that it is stopped; the body need not touch it.
@SuppressWarnings("try")
@Timeout(20)
@ExtendWith(SocatPtyExtension.class)
class LineDriverFaultsIT {

    private static final Clock CLOCK = Clock.systemUTC();

    /** Plays a device on the far end, answering each decoded line with {@code reply}, until closed. */
    private static AutoCloseable device(PtyPair pty, java.util.function.Function<LineMessage, byte[]> reply) throws Exception {
        SerialLink link = new SerialLink(SerialPortConfig.of(pty.deviceEnd().toString(), 9600), Duration.ofMillis(10));
        link.open();
        AtomicBoolean running = new AtomicBoolean(true);
        CompletableFuture<Void> loop = CompletableFuture.runAsync(() -> {
            LineCodec.Decoder decoder = new LineCodec.Decoder();
            byte[] buffer = new byte[128];
            while (running.get()) {
                try {
                    int n = link.read(buffer);
                    for (LineMessage m : decoder.feed(buffer, 0, n)) {
                        byte[] out = reply.apply(m);
                        if (out != null) {
                            link.write(out);
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

    @Test
    void a_device_that_never_answers_times_out_after_the_configured_attempts(PtyPair pty) throws Exception {
        try (AutoCloseable silent = device(pty, m -> null);
             Breathalyser b = Breathalysers.create(LineProtocolIT.config(pty.hostEnd().toString()), CLOCK)) {
            long start = System.nanoTime();
            DeviceTimeoutException e = assertThrows(DeviceTimeoutException.class, () -> b.open(Duration.ofSeconds(5)));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 800 && millis < 2500, "took " + millis + " ms");
            assertTrue(e.getMessage().contains("did not answer ID"), e.getMessage());
        }
    }

    @Test
    void replies_that_are_always_corrupted_end_in_a_protocol_error_not_a_value(PtyPair pty) throws Exception {
        byte[] corrupted = "$ID,X,Y,-,-*00\r\n".getBytes(StandardCharsets.US_ASCII);
        try (AutoCloseable noisy = device(pty, m -> corrupted);
             Breathalyser b = Breathalysers.create(LineProtocolIT.config(pty.hostEnd().toString()), CLOCK)) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> b.open(Duration.ofSeconds(5)));
            assertTrue(e.getMessage().contains("corrupted"), e.getMessage());
        }
    }

    @Test
    void an_unreadable_result_is_an_error_never_a_made_up_number(PtyPair pty) throws Exception {
        try (AutoCloseable device = device(pty, m -> switch (m.type()) {
            case "ID" -> LineCodec.encode(LineMessage.of("ID", "X", "Y", "-", "-"));
            case "START" -> LineCodec.encode(LineMessage.of("RESULT", "lots", "2000", "-"));
            default -> null;
        });
             Breathalyser b = Breathalysers.create(LineProtocolIT.config(pty.hostEnd().toString()), CLOCK)) {
            b.open(Duration.ofSeconds(3));
            TestEvent.Error error = assertInstanceOf(TestEvent.Error.class, b.runTest(Duration.ofSeconds(3), e -> { }));
            assertInstanceOf(ProtocolException.class, error.cause());
        }
    }

    @Test
    void a_device_that_goes_silent_mid_test_ends_in_a_timeout(PtyPair pty) throws Exception {
        try (AutoCloseable device = device(pty, m -> switch (m.type()) {
            case "ID" -> LineCodec.encode(LineMessage.of("ID", "X", "Y", "-", "-"));
            case "START" -> LineCodec.encode(LineMessage.of("STATE", "WAIT_BLOW"));
            default -> null;
        });
             Breathalyser b = Breathalysers.create(LineProtocolIT.config(pty.hostEnd().toString()), CLOCK)) {
            b.open(Duration.ofSeconds(3));
            long start = System.nanoTime();
            TestEvent.Error error = assertInstanceOf(TestEvent.Error.class, b.runTest(Duration.ofSeconds(10), e -> { }));
            assertInstanceOf(DeviceTimeoutException.class, error.cause());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 3000, "silence noticed only after " + millis + " ms");
        }
    }

    @Test
    void a_missing_port_is_reported_as_disconnected_with_its_path(PtyPair pty) throws Exception {
        String path = pty.hostEnd().toString();
        pty.unplug();
        try (Breathalyser b = Breathalysers.create(LineProtocolIT.config(path), CLOCK)) {
            DeviceDisconnectedException e = assertThrows(DeviceDisconnectedException.class, () -> b.open(Duration.ofSeconds(1)));
            assertTrue(e.getMessage().contains(path), e.getMessage());
        }
    }

    @Test
    void a_port_that_vanishes_while_idle_is_noticed_and_reopened_when_it_returns(PtyPair pty) throws Exception {
        java.util.function.Function<LineMessage, byte[]> answers = m -> switch (m.type()) {
            case "ID" -> LineCodec.encode(LineMessage.of("ID", "X", "Y", "-", "-"));
            case "STATUS" -> LineCodec.encode(LineMessage.of("STATE", "READY"));
            default -> null;
        };
        try (Breathalyser b = Breathalysers.create(LineProtocolIT.config(pty.hostEnd().toString()), CLOCK)) {
            try (AutoCloseable device = device(pty, answers)) {
                b.open(Duration.ofSeconds(3));
                pty.unplug();
            }
            Thread.sleep(200);
            assertThrows(DeviceDisconnectedException.class, () -> b.awaitReady(Duration.ofMillis(500)));
            pty.replug();
            try (AutoCloseable device = device(pty, answers)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (true) {
                    try {
                        b.awaitReady(Duration.ofSeconds(1));
                        break;
                    } catch (DeviceDisconnectedException e) {
                        assertTrue(System.nanoTime() < deadline, "never reopened");
                        Thread.sleep(50);
                    }
                }
                assertEquals("Y", b.sensorInfo().serialNumber());
            }
        }
    }
}
