package org.breathgate.hardware.sim;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A story for the simulator: what each test in turn does, then what every later test does.
 *
 * @param name for logs and the command line
 * @param blows one per test, in order
 * @param thereafter what tests after {@code blows} do
 * @param warmUp time from start until the sensor is ready
 * @param timing how long each phase of a test takes
 * @param lineNoise whether to mix garbage bytes and corrupted lines into what the device sends
 */
public record Scenario(String name, List<Blow> blows, Blow thereafter, Duration warmUp, Timing timing, boolean lineNoise) {

    /**
     * Phase lengths of a simulated test.
     *
     * @param beforeBlow from START until the blow begins
     * @param blow the blow itself (reported as the blow duration)
     * @param analysis from the end of the blow until the result
     */
    public record Timing(Duration beforeBlow, Duration blow, Duration analysis) {
        public Timing {
            Objects.requireNonNull(beforeBlow, "beforeBlow");
            Objects.requireNonNull(blow, "blow");
            Objects.requireNonNull(analysis, "analysis");
        }

        /** Close to a real fuel-cell device, for demos: 2 s, 4 s, 2 s. */
        public static Timing realistic() {
            return new Timing(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(2));
        }

        /** For tests: 30 ms, 60 ms, 30 ms. */
        public static Timing fast() {
            return new Timing(Duration.ofMillis(30), Duration.ofMillis(60), Duration.ofMillis(30));
        }
    }

    public Scenario {
        Objects.requireNonNull(name, "name");
        blows = List.copyOf(blows);
        Objects.requireNonNull(thereafter, "thereafter");
        Objects.requireNonNull(warmUp, "warmUp");
        Objects.requireNonNull(timing, "timing");
    }

    /** Tests measure {@code blows} in order, then 0 µg/L; no warm-up, fast timing. */
    public static Scenario of(String name, Blow... blows) {
        return new Scenario(name, List.of(blows), Blow.reading(0), Duration.ZERO, Timing.fast(), false);
    }

    /** Every test measures 0 µg/L. */
    public static Scenario sober() {
        return of("sober");
    }

    /** The first test measures {@code microgramsPerLitre}, later ones 0. */
    public static Scenario positive(int microgramsPerLitre) {
        return of("positive", Blow.reading(microgramsPerLitre));
    }

    /** Alcohol left in the mouth: a spike of 380 µg/L, then a clean retest. */
    public static Scenario mouthAlcoholThenClean() {
        return of("mouth-alcohol", Blow.reading(380), Blow.reading(0));
    }

    /** The first blow is too short, the next one measures 0. */
    public static Scenario blowTooShort() {
        return of("too-short", Blow.tooShort(), Blow.reading(0));
    }

    /** The first test ends in a sensor fault, later ones measure 0. */
    public static Scenario sensorError() {
        return of("sensor-error", Blow.sensorError(), Blow.reading(0));
    }

    /** The device is unplugged during the first blow and comes back after 1 s; later tests measure 0. */
    public static Scenario unpluggedMidTest() {
        return of("unplugged", Blow.unplug(Duration.ofSeconds(1)), Blow.reading(0));
    }

    /** Garbage bytes and corrupted lines around every message; the first test measures 230 µg/L. */
    public static Scenario noisyLine() {
        return of("noise", Blow.reading(230)).withLineNoise(true);
    }

    private static final Map<String, Supplier<Scenario>> NAMED = Map.of(
            "sober", Scenario::sober,
            "positive", () -> positive(450),
            "mouth-alcohol", Scenario::mouthAlcoholThenClean,
            "too-short", Scenario::blowTooShort,
            "sensor-error", Scenario::sensorError,
            "unplugged", Scenario::unpluggedMidTest,
            "noise", Scenario::noisyLine);

    /** Names accepted by {@link #named}. */
    public static List<String> names() {
        return NAMED.keySet().stream().sorted().toList();
    }

    /** One of the built-in stories by name; {@code positive} measures 450 µg/L. */
    public static Scenario named(String name) {
        Supplier<Scenario> s = NAMED.get(name.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("unknown scenario '" + name + "'; choose one of " + names());
        }
        return s.get();
    }

    public Scenario withTiming(Timing newTiming) {
        return new Scenario(name, blows, thereafter, warmUp, newTiming, lineNoise);
    }

    public Scenario withWarmUp(Duration newWarmUp) {
        return new Scenario(name, blows, thereafter, newWarmUp, timing, lineNoise);
    }

    public Scenario withLineNoise(boolean noise) {
        return new Scenario(name, blows, thereafter, warmUp, timing, noise);
    }

    public Scenario withBlows(List<Blow> newBlows) {
        return new Scenario(name, newBlows, thereafter, warmUp, timing, lineNoise);
    }
}
