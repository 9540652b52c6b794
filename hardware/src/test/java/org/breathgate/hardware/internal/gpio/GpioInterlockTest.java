package org.breathgate.hardware.internal.gpio;

import static com.pi4j.io.gpio.digital.DigitalState.HIGH;
import static com.pi4j.io.gpio.digital.DigitalState.LOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.breathgate.hardware.BlowAbortReason;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.Breathalysers;
import org.breathgate.hardware.DeviceTimeoutException;
import org.breathgate.hardware.GpioInterlockConfig;
import org.breathgate.hardware.Measurement;
import org.breathgate.hardware.SensorFaultException;
import org.breathgate.hardware.SensorInfo;
import org.breathgate.hardware.TestEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class GpioInterlockTest {

    private static final int READY = 17;
    private static final int PASS = 27;
    private static final int FAIL = 22;
    private static final int START = 23;
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T08:00:00Z"), ZoneOffset.UTC);

    private final MockPins pins = new MockPins();
    private Breathalyser interlock;
    private final List<TestEvent> events = new CopyOnWriteArrayList<>();
    private final CountDownLatch waiting = new CountDownLatch(1);

    @BeforeEach
    void open() throws Exception {
        SensorInfo sensor = new SensorInfo("Interlock X", "IL-77", Optional.empty(), Optional.empty());
        interlock = Breathalysers.create(new GpioInterlockConfig(READY, PASS, FAIL, OptionalInt.of(START), true, sensor,
                Duration.ofMillis(5)), CLOCK, pins.pi4j);
        interlock.open(Duration.ofSeconds(1));
        pins.set(READY, HIGH);
    }

    @AfterEach
    void close() {
        interlock.close();
        pins.close();
    }

    private CompletableFuture<TestEvent.Terminal> startTest(Duration timeout) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return interlock.runTest(timeout, e -> {
                    events.add(e);
                    if (e instanceof TestEvent.WaitingForBlow) {
                        waiting.countDown();
                    }
                });
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void pass_line_after_a_blow_gives_an_interlock_pass_without_micrograms() throws Exception {
        CompletableFuture<TestEvent.Terminal> test = startTest(Duration.ofSeconds(5));
        assertTrue(waiting.await(2, TimeUnit.SECONDS));
        pins.set(READY, LOW);
        pins.set(PASS, HIGH);
        TestEvent.Result result = assertInstanceOf(TestEvent.Result.class, test.get(2, TimeUnit.SECONDS));
        assertEquals(new Measurement.InterlockPass(), result.result().measurement());
        assertTrue(result.result().microgramsPerLitre().isEmpty());
        assertEquals("IL-77", result.result().sensor().serialNumber());
        assertEquals(List.of(TestEvent.WaitingForBlow.class, TestEvent.BlowDetected.class, TestEvent.Result.class),
                events.stream().map(Object::getClass).toList());
    }

    @Test
    void fail_line_gives_an_interlock_fail() throws Exception {
        CompletableFuture<TestEvent.Terminal> test = startTest(Duration.ofSeconds(5));
        assertTrue(waiting.await(2, TimeUnit.SECONDS));
        pins.set(READY, LOW);
        pins.set(FAIL, HIGH);
        TestEvent.Result result = assertInstanceOf(TestEvent.Result.class, test.get(2, TimeUnit.SECONDS));
        assertEquals(new Measurement.InterlockFail(), result.result().measurement());
    }

    @Test
    void ready_returning_without_pass_or_fail_is_an_interrupted_blow() throws Exception {
        CompletableFuture<TestEvent.Terminal> test = startTest(Duration.ofSeconds(5));
        assertTrue(waiting.await(2, TimeUnit.SECONDS));
        pins.set(READY, LOW);
        pins.set(READY, HIGH);
        assertEquals(new TestEvent.BlowAborted(BlowAbortReason.INTERRUPTED), test.get(2, TimeUnit.SECONDS));
    }

    @Test
    void nobody_blowing_before_the_timeout_ends_in_no_blow() throws Exception {
        assertEquals(new TestEvent.BlowAborted(BlowAbortReason.NO_BLOW), startTest(Duration.ofMillis(200)).get(2, TimeUnit.SECONDS));
    }

    @Test
    void a_test_while_not_ready_is_refused_as_sensor_not_warm() throws Exception {
        pins.set(READY, LOW);
        assertEquals(new TestEvent.BlowAborted(BlowAbortReason.SENSOR_NOT_WARM), startTest(Duration.ofSeconds(1)).get(2, TimeUnit.SECONDS));
    }

    @Test
    void pass_and_fail_at_once_fails_the_self_test() {
        pins.set(PASS, HIGH);
        pins.set(FAIL, HIGH);
        SensorFaultException e = assertThrows(SensorFaultException.class, () -> interlock.selfTest(Duration.ofSeconds(1)));
        assertEquals("PASS_AND_FAIL", e.code());
    }

    @Test
    void waiting_for_ready_times_out_when_the_line_stays_inactive() {
        pins.set(READY, LOW);
        assertThrows(DeviceTimeoutException.class, () -> interlock.awaitReady(Duration.ofMillis(100)));
    }

    @Test
    void start_pin_is_pulsed_and_left_low() throws Exception {
        CompletableFuture<TestEvent.Terminal> test = startTest(Duration.ofMillis(100));
        test.get(2, TimeUnit.SECONDS);
        assertEquals(LOW, pins.output(START));
    }

    @Test
    void closing_releases_the_pins_so_the_driver_can_open_again() throws Exception {
        interlock.close();
        interlock.open(Duration.ofSeconds(1));
        pins.set(READY, LOW);
        pins.set(READY, HIGH);
        interlock.awaitReady(Duration.ofMillis(100));
    }
}
