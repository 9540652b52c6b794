package org.breathgate.hardware.internal.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.breathgate.hardware.BlowAbortReason;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.Breathalysers;
import org.breathgate.hardware.Button;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.DeviceTimeoutException;
import org.breathgate.hardware.LineProtocolConfig;
import org.breathgate.hardware.SensorFaultException;
import org.breathgate.hardware.SensorInfo;
import org.breathgate.hardware.SerialPortConfig;
import org.breathgate.hardware.TestEvent;
import org.breathgate.hardware.sim.Blow;
import org.breathgate.hardware.sim.Scenario;
import org.breathgate.hardware.sim.SimulatedBreathalyser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The line-protocol driver against the simulator, over a real socat pseudo-terminal pair. */
@Timeout(20)
class LineProtocolIT {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T08:00:00Z"), ZoneOffset.UTC);
    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private SimulatedBreathalyser sim;
    private Breathalyser driver;

    static LineProtocolConfig config(String path) {
        return new LineProtocolConfig(SerialPortConfig.of(path, 9600), Duration.ofMillis(300), 3, Duration.ofMillis(1500),
                Duration.ofMillis(100));
    }

    private Breathalyser connect(Scenario scenario) throws Exception {
        sim = SimulatedBreathalyser.start(scenario, dir, CLOCK);
        driver = Breathalysers.create(config(sim.portPath()), CLOCK);
        driver.open(Duration.ofSeconds(3));
        return driver;
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    private static TestEvent.Result measured(TestEvent.Terminal end) {
        return assertInstanceOf(TestEvent.Result.class, end, () -> "expected a result but got " + end);
    }

    @Test
    void a_sober_blow_reports_zero_with_blow_time_temperature_and_sensor_identity() throws Exception {
        Breathalyser b = connect(Scenario.sober());
        b.selfTest(Duration.ofSeconds(2));
        b.awaitReady(Duration.ofSeconds(2));
        List<TestEvent> events = new ArrayList<>();
        TestEvent.Result result = measured(b.runTest(TEST_TIMEOUT, events::add));
        assertEquals(OptionalInt.of(0), result.result().microgramsPerLitre());
        assertEquals(Optional.of(Duration.ofMillis(60)), result.result().blowDuration());
        assertEquals(Optional.of(new BigDecimal("34.2")), result.result().sensorTemperatureCelsius());
        assertEquals(CLOCK.instant(), result.result().completedAt());
        SensorInfo sensor = result.result().sensor();
        assertEquals(SimulatedBreathalyser.SERIAL, sensor.serialNumber());
        assertEquals(Optional.of(LocalDate.of(2027, 5, 24)), sensor.calibrationDue());
        assertEquals(List.of(TestEvent.WaitingForBlow.class, TestEvent.BlowDetected.class, TestEvent.Result.class),
                events.stream().map(Object::getClass).toList());
    }

    @Test
    void a_scripted_sequence_reports_each_exact_value_in_turn() throws Exception {
        Breathalyser b = connect(Scenario.positive(450));
        assertEquals(OptionalInt.of(450), measured(b.runTest(TEST_TIMEOUT, e -> { })).result().microgramsPerLitre());
        assertEquals(OptionalInt.of(0), measured(b.runTest(TEST_TIMEOUT, e -> { })).result().microgramsPerLitre());
        sim.setNextReading(123);
        assertEquals(OptionalInt.of(123), measured(b.runTest(TEST_TIMEOUT, e -> { })).result().microgramsPerLitre());
    }

    @Test
    void mouth_alcohol_spike_is_followed_by_a_clean_retest() throws Exception {
        Breathalyser b = connect(Scenario.mouthAlcoholThenClean());
        assertEquals(OptionalInt.of(380), measured(b.runTest(TEST_TIMEOUT, e -> { })).result().microgramsPerLitre());
        assertEquals(OptionalInt.of(0), measured(b.runTest(TEST_TIMEOUT, e -> { })).result().microgramsPerLitre());
    }

    @Test
    void a_short_blow_ends_the_test_with_too_short_and_no_result() throws Exception {
        Breathalyser b = connect(Scenario.blowTooShort());
        assertEquals(new TestEvent.BlowAborted(BlowAbortReason.TOO_SHORT), b.runTest(TEST_TIMEOUT, e -> { }));
        measured(b.runTest(TEST_TIMEOUT, e -> { }));
    }

    @Test
    void a_sensor_fault_ends_the_test_in_a_typed_error() throws Exception {
        Breathalyser b = connect(Scenario.sensorError());
        TestEvent.Error error = assertInstanceOf(TestEvent.Error.class, b.runTest(TEST_TIMEOUT, e -> { }));
        assertEquals("SENSOR_FAULT", assertInstanceOf(SensorFaultException.class, error.cause()).code());
    }

    @Test
    void a_device_unplugged_mid_test_ends_in_disconnected_and_is_reopened_when_it_comes_back() throws Exception {
        Breathalyser b = connect(Scenario.of("unplug", Blow.unplug(Duration.ofMillis(300))));
        TestEvent.Error error = assertInstanceOf(TestEvent.Error.class, b.runTest(TEST_TIMEOUT, e -> { }));
        assertInstanceOf(DeviceDisconnectedException.class, error.cause());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try {
                b.awaitReady(Duration.ofSeconds(1));
                break;
            } catch (DeviceDisconnectedException | DeviceTimeoutException e) {
                assertTrue(System.nanoTime() < deadline, "port never came back: " + e.getMessage());
                Thread.sleep(50);
            }
        }
        assertEquals(OptionalInt.of(0), measured(b.runTest(TEST_TIMEOUT, e -> { })).result().microgramsPerLitre());
    }

    @Test
    void line_noise_and_corrupted_lines_are_survived_and_the_true_result_reported() throws Exception {
        Breathalyser b = connect(Scenario.noisyLine());
        b.selfTest(Duration.ofSeconds(3));
        b.awaitReady(Duration.ofSeconds(3));
        assertEquals(OptionalInt.of(230), measured(b.runTest(TEST_TIMEOUT, e -> { })).result().microgramsPerLitre());
        assertEquals(OptionalInt.of(0), measured(b.runTest(TEST_TIMEOUT, e -> { })).result().microgramsPerLitre());
        LineBreathalyser line = (LineBreathalyser) b;
        assertTrue(line.rejectedLines() > 0, "no corrupted line was seen");
        assertTrue(line.discardedBytes() > 0, "no garbage was seen");
    }

    @Test
    void a_test_before_warm_up_ends_is_refused_as_sensor_not_warm() throws Exception {
        Breathalyser b = connect(Scenario.sober().withWarmUp(Duration.ofHours(1)));
        assertEquals(new TestEvent.BlowAborted(BlowAbortReason.SENSOR_NOT_WARM), b.runTest(TEST_TIMEOUT, e -> { }));
        assertInstanceOf(DeviceTimeoutException.class, org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> b.awaitReady(Duration.ofMillis(400))));
    }

    @Test
    void button_presses_on_the_device_reach_listeners() throws Exception {
        Breathalyser b = connect(Scenario.sober());
        List<Button> pressed = new CopyOnWriteArrayList<>();
        b.buttons().orElseThrow().addListener((button, at) -> pressed.add(button));
        sim.pressButton(Button.SUPPORT);
        sim.pressButton(Button.START_TEST);
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (pressed.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of(Button.SUPPORT, Button.START_TEST), pressed);
    }
}
