package org.breathgate.hardware.publicapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
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
import java.util.Set;
import java.util.TreeSet;
import org.breathgate.hardware.BeepPattern;
import org.breathgate.hardware.BlowAbortReason;
import org.breathgate.hardware.BreathResult;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.BreathalyserConfig;
import org.breathgate.hardware.Breathalysers;
import org.breathgate.hardware.Button;
import org.breathgate.hardware.ButtonListener;
import org.breathgate.hardware.Buttons;
import org.breathgate.hardware.Buzzer;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.DevicePanel;
import org.breathgate.hardware.DeviceTimeoutException;
import org.breathgate.hardware.FrameModuleConfig;
import org.breathgate.hardware.GpioInterlockConfig;
import org.breathgate.hardware.HardwareException;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;
import org.breathgate.hardware.LineProtocolConfig;
import org.breathgate.hardware.Measurement;
import org.breathgate.hardware.PanelConfig;
import org.breathgate.hardware.PpmConversion;
import org.breathgate.hardware.ProtocolException;
import org.breathgate.hardware.SensorFaultException;
import org.breathgate.hardware.SensorInfo;
import org.breathgate.hardware.SerialPortConfig;
import org.breathgate.hardware.StatusLight;
import org.breathgate.hardware.TestEvent;
import org.breathgate.hardware.UnsupportedSensorException;
import org.breathgate.hardware.camera.Camera;
import org.breathgate.hardware.camera.CameraConfig;
import org.breathgate.hardware.camera.CameraException;
import org.breathgate.hardware.camera.Photo;
import org.breathgate.hardware.sim.Blow;
import org.breathgate.hardware.sim.FakeBreathalyser;
import org.breathgate.hardware.sim.PtyPair;
import org.breathgate.hardware.sim.Scenario;
import org.breathgate.hardware.sim.SimulatedBreathalyser;
import org.breathgate.hardware.sim.SimulatorMain;
import org.breathgate.hardware.sim.SoftButtons;
import org.breathgate.hardware.sim.SoftBuzzer;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.hardware.sim.SoftStatusLight;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hardware module's public face, used from outside its packages the way the agent, the demo
 * and the tests use it (as Javalin's {@code TestPublicApi_Java} does for Javalin): every public
 * constructor, method and constant of the API packages {@code org.breathgate.hardware},
 * {@code .camera} and {@code .sim} is called below, so renaming, removing or changing one breaks
 * the build here first. The last two tests pin the list of public types, so a new one (or an
 * implementation class made public in an API package) is a deliberate change to this file, and
 * check that no public signature hands out a class that is not API (package-private, or under
 * {@code internal}).
 *
 * <p>When the public face changes on purpose: change the calls and the list here, and the docs
 * (docs/hardware.md) in the same commit.
 */
@Timeout(10)
class HardwarePublicApiTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-10T06:00:00Z"), ZoneOffset.UTC);
    private static final SensorInfo SENSOR = new SensorInfo("Interlock X", "IX-1", Optional.of("2.1"),
            Optional.of(LocalDate.of(2026, 9, 1)));

    @Test
    void the_records_enums_and_exceptions_of_the_ports_can_be_built_and_read() {
        SensorInfo sensor = new SensorInfo(SENSOR.model(), SENSOR.serialNumber(), SENSOR.firmware(), SENSOR.calibrationDue());
        assertFalse(sensor.calibrationOverdue(LocalDate.of(2026, 9, 1)));

        Measurement exact = new Measurement.Exact(230);
        Measurement overRange = new Measurement.OverRange(BreathResult.MAX_MICROGRAMS_PER_LITRE);
        Measurement pass = new Measurement.InterlockPass();
        Measurement fail = new Measurement.InterlockFail();
        assertEquals(230, ((Measurement.Exact) exact).microgramsPerLitre());
        assertEquals(5000, ((Measurement.OverRange) overRange).atLeastMicrogramsPerLitre());
        assertFalse(pass.equals(fail));

        BreathResult result = new BreathResult(exact, Optional.of(Duration.ofMillis(2100)), Optional.of(new BigDecimal("34.2")),
                CLOCK.instant(), sensor);
        assertEquals(OptionalInt.of(230), result.microgramsPerLitre());
        assertEquals(exact, result.measurement());
        assertEquals(Optional.of(Duration.ofMillis(2100)), result.blowDuration());
        assertEquals(Optional.of(new BigDecimal("34.2")), result.sensorTemperatureCelsius());
        assertEquals(CLOCK.instant(), result.completedAt());
        assertEquals(sensor, result.sensor());

        List<TestEvent> events = List.of(new TestEvent.WaitingForBlow(), new TestEvent.BlowDetected(),
                new TestEvent.Result(result), new TestEvent.BlowAborted(BlowAbortReason.valueOf("TOO_SHORT")),
                new TestEvent.Error(new ProtocolException("bad checksum")));
        assertEquals(result, ((TestEvent.Result) events.get(2)).result());
        assertEquals(BlowAbortReason.TOO_SHORT, ((TestEvent.BlowAborted) events.get(3)).reason());
        assertInstanceOf(ProtocolException.class, ((TestEvent.Error) events.get(4)).cause());
        assertEquals(5, BlowAbortReason.values().length);

        List<HardwareException> causes = List.of(new DeviceDisconnectedException("gone"),
                new DeviceDisconnectedException("gone", new RuntimeException()), new DeviceTimeoutException("silent"),
                new ProtocolException("garbled"), new SensorFaultException("SENSOR_FAULT", "fuel cell"),
                new UnsupportedSensorException("too small a range"));
        assertEquals("SENSOR_FAULT", ((SensorFaultException) causes.get(4)).code());

        PpmConversion breath = PpmConversion.breath();
        assertEquals(breath, PpmConversion.ethanolAt(PpmConversion.BREATH_CELSIUS, PpmConversion.STANDARD_PASCAL));
        assertEquals(breath, new PpmConversion(breath.microgramsPerLitrePerPpm()));
        assertEquals(219, breath.toMicrogramsPerLitre(new BigDecimal("120")));

        SerialPortConfig port = new SerialPortConfig("/dev/ttyUSB0", 9600, Optional.of(Path.of("/opt/breathgate/native")));
        assertEquals("/dev/ttyUSB0", SerialPortConfig.of(port.path(), port.baudRate()).path());
        assertTrue(port.nativeLibraryDir().isPresent());
        LineProtocolConfig line = LineProtocolConfig.defaults("/dev/ttyUSB0");
        LineProtocolConfig same = new LineProtocolConfig(line.port(), line.replyTimeout(), line.attempts(), line.silenceTimeout(),
                line.reconnectInterval());
        assertEquals(line, same);
        FrameModuleConfig frame = new FrameModuleConfig(port, sensor, new BigDecimal("1000"), BigDecimal.ONE, breath,
                FrameModuleConfig.DEFAULT_MINIMUM_FULL_SCALE, Duration.ofSeconds(180), Duration.ofSeconds(5),
                Duration.ofMillis(200), Duration.ofMillis(300), 3);
        assertEquals(1828, frame.fullScaleMicrogramsPerLitre());
        assertEquals(frame, new FrameModuleConfig(frame.port(), frame.sensor(), frame.fullScalePpm(), frame.ppmPerCount(),
                frame.conversion(), frame.minimumFullScaleMicrogramsPerLitre(), frame.warmUp(), frame.sampleWindow(),
                frame.pollInterval(), frame.replyTimeout(), frame.attempts()));
        GpioInterlockConfig interlock = new GpioInterlockConfig(17, 27, 22, OptionalInt.of(23), false, sensor, Duration.ofMillis(200));
        assertEquals(List.of(interlock.readyPin(), interlock.passPin(), interlock.failPin(), interlock.startPin().getAsInt()),
                List.of(17, 27, 22, 23));
        assertFalse(interlock.activeHigh());
        assertEquals(sensor, interlock.sensor());
        assertEquals(Duration.ofMillis(200), interlock.startPulse());
        List<BreathalyserConfig> configs = List.of(line, frame, interlock);
        assertEquals(3, configs.size());

        PanelConfig single = PanelConfig.singleLed(5, 6, 13, 19);
        PanelConfig panel = new PanelConfig(single.startButtonPin(), single.supportButtonPin(), single.ledPins(), single.buzzerPin(),
                single.debounce());
        assertEquals(single, panel);

        assertEquals(Duration.ofMillis(400), BeepPattern.valueOf("DONE").length());
        assertEquals(1, BeepPattern.CLICK.steps().size());
        assertEquals(4, BeepPattern.values().length);
        assertTrue(LightPattern.FAST_BLINK.blinks());
        assertEquals(LightPattern.SLOW_BLINK.steps().get(0), LightPattern.SLOW_BLINK.steps().get(1));
        assertEquals(Duration.ofSeconds(2), LightPattern.DOUBLE_FLASH.cycle());
        assertTrue(LightPattern.HEARTBEAT.litAt(Duration.ZERO));
        assertFalse(LightPattern.valueOf("STEADY").blinks());
        assertEquals(8, LightPattern.values().length);
        assertEquals(LightColour.AMBER, LightColour.valueOf("AMBER"));
        assertEquals(4, LightColour.values().length);
        assertEquals(Button.SUPPORT, Button.valueOf("SUPPORT"));
        assertEquals(2, Button.values().length);
    }

    @Test
    void drivers_come_from_breathalysers_and_work_through_the_ports() throws Exception {
        assertTrue(Breathalysers.listSerialPorts().stream().allMatch(p -> p.startsWith("/dev/")));
        try (Breathalyser line = Breathalysers.create(LineProtocolConfig.defaults("/dev/ttyUSB9"), CLOCK)) {
            assertThrows(IllegalStateException.class, line::sensorInfo, "not open yet");
        }
        Context pi4j = Pi4J.newContextBuilder().add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
                .build();
        try {
            GpioInterlockConfig gpio = new GpioInterlockConfig(17, 27, 22, OptionalInt.empty(), true, SENSOR, Duration.ofMillis(200));
            try (Breathalyser interlock = Breathalysers.create(gpio, CLOCK, pi4j)) {
                assertEquals(Optional.empty(), interlock.buttons());
            }
            try (DevicePanel panel = Breathalysers.openPanel(PanelConfig.singleLed(5, 6, 13, 19), CLOCK, pi4j)) {
                usePanel(panel);
            }
            java.nio.file.Path led = java.nio.file.Files.createTempDirectory("bg-led");
            java.nio.file.Files.writeString(led.resolve("trigger"), "none [mmc0] heartbeat");
            java.nio.file.Files.writeString(led.resolve("max_brightness"), "1");
            java.nio.file.Files.writeString(led.resolve("brightness"), "0");
            try (DevicePanel board = Breathalysers.openBoardLed(led, CLOCK)) {
                usePanel(board);
            }
            assertEquals("mmc0", java.nio.file.Files.readString(led.resolve("trigger")));
        } finally {
            pi4j.shutdown();
        }

        FakeBreathalyser fake = new FakeBreathalyser(CLOCK).thenMeasures(450).then(new Measurement.OverRange(2000))
                .thenAborts(BlowAbortReason.TOO_WEAK).thenFails(new SensorFaultException("SENSOR_FAULT", "out of range"));
        try (Breathalyser b = fake) {
            b.open(Duration.ofSeconds(1));
            b.selfTest(Duration.ofSeconds(1));
            b.awaitReady(Duration.ofSeconds(1));
            assertEquals(FakeBreathalyser.identity(CLOCK), b.sensorInfo());
            List<TestEvent> seen = new ArrayList<>();
            TestEvent.Terminal end = b.runTest(Duration.ofSeconds(1), seen::add);
            assertEquals(OptionalInt.of(450), ((TestEvent.Result) end).result().microgramsPerLitre());
            assertEquals(end, seen.get(seen.size() - 1));
            Buttons buttons = b.buttons().orElseThrow();
            List<Button> pressed = new ArrayList<>();
            ButtonListener listener = (button, at) -> pressed.add(button);
            buttons.addListener(listener);
            SoftButtons soft = fake.softButtons();
            soft.press(Button.START_TEST);
            buttons.removeListener(listener);
            soft.press(Button.SUPPORT);
            assertEquals(List.of(Button.START_TEST), pressed);
            assertEquals(1, fake.testsRun());
            assertTrue(fake.isOpen());
        }
        assertTrue(fake.isClosed());
        FakeBreathalyser failing = new FakeBreathalyser(CLOCK).failingOpenWith(new DeviceDisconnectedException("no port"))
                .failingSelfTestWith(new SensorFaultException("SELFTEST", "failed")).neverReady();
        assertThrows(DeviceDisconnectedException.class, () -> failing.open(Duration.ofSeconds(1)));

        try (SoftPanel soft = new SoftPanel(CLOCK)) {
            usePanel(soft);
            SoftButtons buttons = soft.buttons();
            buttons.press(Button.START_TEST);
            SoftStatusLight light = soft.light();
            assertEquals(new SoftStatusLight.Shown(LightColour.BLUE, LightPattern.SLOW_BLINK), light.history().get(0));
            SoftStatusLight.Shown now = light.current();
            assertEquals(LightColour.WHITE, now.colour());
            assertEquals(LightPattern.OFF, now.pattern());
            SoftBuzzer buzzer = soft.buzzer();
            assertEquals(List.of(BeepPattern.ATTENTION), buzzer.played());
        }
        new SoftStatusLight().show(LightColour.GREEN, LightPattern.STEADY);
        new SoftBuzzer().play(BeepPattern.CLICK);
    }

    private static void usePanel(DevicePanel panel) {
        StatusLight light = panel.light();
        light.show(LightColour.BLUE, LightPattern.SLOW_BLINK);
        light.off();
        Buzzer buzzer = panel.buzzer();
        buzzer.play(BeepPattern.ATTENTION);
        buzzer.silence();
        ButtonListener ignore = (button, at) -> { };
        panel.buttons().addListener(ignore);
        panel.buttons().removeListener(ignore);
    }

    @Test
    void cameras_and_photos_are_made_from_their_configuration() throws Exception {
        CameraConfig rpicam = CameraConfig.rpicam("rpicam-still", 1280, 960, 75);
        CameraConfig v4l2 = CameraConfig.v4l2("/dev/video0", 1280, 960, 75);
        CameraConfig own = new CameraConfig(v4l2.command(), CameraConfig.DEFAULT_TIMEOUT, CameraConfig.DEFAULT_MAX_BYTES);
        assertEquals(v4l2, own);
        assertEquals(rpicam.timeout(), own.timeout());
        assertEquals(rpicam.maxBytes(), own.maxBytes());
        try (Camera unused = Camera.command(rpicam, CLOCK); Camera none = Camera.none()) {
            CameraException e = assertThrows(CameraException.class, none::capture);
            assertEquals(CameraException.Reason.NOT_CONFIGURED, e.reason());
            assertEquals("not_configured", e.reason().code());
            assertEquals(6, CameraException.Reason.values().length);
            assertEquals(CameraException.Reason.TIMEOUT, CameraException.Reason.valueOf("TIMEOUT"));
        }
        CameraException withCause = new CameraException(CameraException.Reason.COMMAND_FAILED, "exit 1", new RuntimeException());
        assertEquals(CameraException.Reason.COMMAND_FAILED, withCause.reason());

        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x00, (byte) 0xFF, (byte) 0xD9};
        Photo photo = new Photo(jpeg, CLOCK.instant());
        assertEquals(6, photo.size());
        assertEquals(6, photo.jpeg().length);
        assertEquals(CLOCK.instant(), photo.takenAt());
        assertEquals(64, photo.sha256().length());
        assertEquals(photo, new Photo(jpeg, CLOCK.instant()));
        assertEquals(photo.hashCode(), new Photo(jpeg, CLOCK.instant()).hashCode());
        assertTrue(photo.toString().contains(photo.sha256().substring(0, 12)));
    }

    @Test
    void scenarios_and_blows_script_the_simulator() {
        Scenario story = Scenario.of("story", Blow.reading(450), Blow.tooShort(), Blow.sensorError(), Blow.unplug(Duration.ZERO),
                new Blow.Reading(0), new Blow.OverRange(5000), new Blow.Aborted(BlowAbortReason.NO_BLOW),
                new Blow.SensorError("SENSOR_FAULT", "fuel cell"), new Blow.Unplug(Duration.ofSeconds(1)));
        Scenario.Timing fast = Scenario.Timing.fast();
        Scenario tuned = story.withTiming(new Scenario.Timing(fast.beforeBlow(), fast.blow(), fast.analysis()))
                .withWarmUp(Duration.ofSeconds(2)).withLineNoise(true).withBlows(story.blows());
        Scenario same = new Scenario(tuned.name(), tuned.blows(), tuned.thereafter(), tuned.warmUp(), tuned.timing(), tuned.lineNoise());
        assertEquals(tuned, same);
        assertEquals(450, ((Blow.Reading) story.blows().get(0)).microgramsPerLitre());
        assertEquals(5000, ((Blow.OverRange) story.blows().get(5)).fullScale());
        assertEquals(BlowAbortReason.NO_BLOW, ((Blow.Aborted) story.blows().get(6)).reason());
        Blow.SensorError error = (Blow.SensorError) story.blows().get(7);
        assertEquals(List.of("SENSOR_FAULT", "fuel cell"), List.of(error.code(), error.text()));
        assertEquals(Duration.ofSeconds(1), ((Blow.Unplug) story.blows().get(8)).replugAfter());
        List<Scenario> stories = List.of(Scenario.sober(), Scenario.positive(450), Scenario.mouthAlcoholThenClean(),
                Scenario.blowTooShort(), Scenario.sensorError(), Scenario.unpluggedMidTest(), Scenario.noisyLine(),
                Scenario.named("positive").withTiming(Scenario.Timing.realistic()));
        assertEquals(Scenario.names().size() + 1, stories.size());
        assertTrue(SimulatedBreathalyser.MODEL.length() + SimulatedBreathalyser.SERIAL.length()
                + SimulatedBreathalyser.FIRMWARE.length() > 0);
    }

    /**
     * The simulator's entry points that need socat (a pseudo-terminal pair). Compiled, so a change to
     * them breaks the build, and never run here: the hardware's and the agent's {@code *IT}s run them.
     */
    @SuppressWarnings("unused")
    private static void simulatorEntryPointsThatNeedSocat(Path dir) throws Exception {
        try (SimulatedBreathalyser sim = SimulatedBreathalyser.start(Scenario.sober(), dir);
             SimulatedBreathalyser timed = SimulatedBreathalyser.start(Scenario.positive(450), dir.resolve("b"), CLOCK)) {
            Path host = sim.hostPath();
            String port = sim.portPath();
            Scenario scenario = sim.scenario();
            int started = sim.testsStarted();
            sim.setNextBlow(Blow.tooShort());
            sim.setNextReading(0);
            sim.pressButton(Button.SUPPORT);
            sim.unplug();
            sim.replug();
        }
        try (PtyPair pty = PtyPair.create(dir, "bg-test")) {
            Path hostEnd = pty.hostEnd();
            Path deviceEnd = pty.deviceEnd();
            boolean plugged = pty.isPlugged();
            pty.unplug();
            pty.replug();
        }
        SimulatorMain.main(new String[] {"--help"});
    }

    @Test
    void the_public_face_is_these_types_and_no_more() {
        TreeSet<String> expected = new TreeSet<>(Set.of(
                "org.breathgate.hardware.BeepPattern", "org.breathgate.hardware.BlowAbortReason",
                "org.breathgate.hardware.BreathResult", "org.breathgate.hardware.Breathalyser",
                "org.breathgate.hardware.BreathalyserConfig", "org.breathgate.hardware.Breathalysers",
                "org.breathgate.hardware.Button", "org.breathgate.hardware.ButtonListener", "org.breathgate.hardware.Buttons",
                "org.breathgate.hardware.Buzzer", "org.breathgate.hardware.DeviceDisconnectedException",
                "org.breathgate.hardware.DevicePanel", "org.breathgate.hardware.DeviceTimeoutException",
                "org.breathgate.hardware.FrameModuleConfig", "org.breathgate.hardware.GpioInterlockConfig",
                "org.breathgate.hardware.HardwareException", "org.breathgate.hardware.LightColour",
                "org.breathgate.hardware.LightPattern", "org.breathgate.hardware.LineProtocolConfig",
                "org.breathgate.hardware.Measurement", "org.breathgate.hardware.Measurement$Exact",
                "org.breathgate.hardware.Measurement$InterlockFail", "org.breathgate.hardware.Measurement$InterlockPass",
                "org.breathgate.hardware.Measurement$OverRange", "org.breathgate.hardware.PanelConfig",
                "org.breathgate.hardware.PpmConversion", "org.breathgate.hardware.ProtocolException",
                "org.breathgate.hardware.SensorFaultException", "org.breathgate.hardware.SensorInfo",
                "org.breathgate.hardware.SerialPortConfig", "org.breathgate.hardware.StatusLight",
                "org.breathgate.hardware.TestEvent", "org.breathgate.hardware.TestEvent$BlowAborted",
                "org.breathgate.hardware.TestEvent$BlowDetected", "org.breathgate.hardware.TestEvent$Error",
                "org.breathgate.hardware.TestEvent$Result", "org.breathgate.hardware.TestEvent$Terminal",
                "org.breathgate.hardware.TestEvent$WaitingForBlow", "org.breathgate.hardware.UnsupportedSensorException",
                "org.breathgate.hardware.camera.Camera", "org.breathgate.hardware.camera.CameraConfig",
                "org.breathgate.hardware.camera.CameraException", "org.breathgate.hardware.camera.CameraException$Reason",
                "org.breathgate.hardware.camera.Photo",
                "org.breathgate.hardware.sim.Blow", "org.breathgate.hardware.sim.Blow$Aborted",
                "org.breathgate.hardware.sim.Blow$OverRange", "org.breathgate.hardware.sim.Blow$Reading",
                "org.breathgate.hardware.sim.Blow$SensorError", "org.breathgate.hardware.sim.Blow$Unplug",
                "org.breathgate.hardware.sim.FakeBreathalyser", "org.breathgate.hardware.sim.PtyPair",
                "org.breathgate.hardware.sim.Scenario", "org.breathgate.hardware.sim.Scenario$Timing",
                "org.breathgate.hardware.sim.SimulatedBreathalyser", "org.breathgate.hardware.sim.SimulatorMain",
                "org.breathgate.hardware.sim.SoftButtons", "org.breathgate.hardware.sim.SoftBuzzer",
                "org.breathgate.hardware.sim.SoftPanel", "org.breathgate.hardware.sim.SoftStatusLight",
                "org.breathgate.hardware.sim.SoftStatusLight$Shown"));
        TreeSet<String> actual = new TreeSet<>();
        for (String pkg : API_PACKAGES) {
            actual.addAll(PublicFace.publicTypes(Breathalysers.class, pkg));
        }
        assertEquals(expected, actual, "the public types of the API packages changed: if that is meant, add or remove them here, "
                + "call their entry points above and update docs/hardware.md; else make the class package-private or move it "
                + "under org.breathgate.hardware.internal");
    }

    @Test
    void no_public_signature_hands_out_a_class_that_is_not_api() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (String pkg : API_PACKAGES) {
            for (String type : PublicFace.publicTypes(Breathalysers.class, pkg)) {
                leaks.addAll(PublicFace.hiddenTypesInSignatures(Class.forName(type)));
            }
        }
        assertEquals(List.of(), leaks);
    }

    private static final List<String> API_PACKAGES = List.of("org.breathgate.hardware", "org.breathgate.hardware.camera",
            "org.breathgate.hardware.sim");
}
