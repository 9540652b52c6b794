package org.breathgate.agent.prompt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.breathgate.protocol.ConfigUpdate;

/**
 * How the device talks with the parent beyond the prompt language: what may be said aloud, the service's
 * recordings and the sound card, the buttons' timing, and the Pi's own LED when no panel is wired; from the
 * {@code speak.*}, {@code audio.*}, {@code buttons.*}, {@code help.*} and {@code light.*} keys (docs/agent.md).
 *
 * @param speakResults  whether a result may be said aloud ("The test showed alcohol"). False by default: children
 *                      may be listening, so the light shows the result and the voice says only that the test is saved.
 *                      The receiver's configuration may set it ({@code speak_results})
 * @param audioLanguage the language of the service's recordings, when it differs from the prompt language (e.g.
 *                      {@code se}, Northern Sámi, for which there is no synthesised voice); empty: the prompt language
 * @param audioDir      the folder of the service's recordings, {@code <key>.<language>.wav} or {@code .ogg};
 *                      {@code <data.dir>/audio} by default (need not exist)
 * @param audioDevice   the ALSA device every sound is played on; {@code default} by default, which is the headphone
 *                      jack on a Pi that has one. A Pi 5 or Zero has none: name the USB sound card or HDMI output
 *                      ({@code aplay -L} lists them; docs/hardware.md, "Audio output")
 * @param doublePress   the longest gap between the two presses of a double press of the test button; 700 ms
 * @param menuStep      how long each step of the help menu is offered; 8 s: a sentence, and time to press
 * @param boardLed      the Pi's own LED as the status light when {@code panel=none}: {@code auto} (the default: the
 *                      first of {@code /sys/class/leds/ACT} and {@code /sys/class/leds/led0} that exists),
 *                      {@code none}, or the LED's folder
 */
public record ParentSettings(boolean speakResults, Optional<String> audioLanguage, Path audioDir, String audioDevice,
                             Duration doublePress, Duration menuStep, String boardLed) {

    /** Configuration keys this class reads. */
    public static final Set<String> KEYS = Set.of("speak.results", "audio.language", "audio.dir", "audio.device",
            "buttons.double.press.ms", "help.menu.step.ms", "light.board");

    /** Where {@code light.board=auto} looks, in order: the LED's name on current kernels, then on older ones. */
    public static final List<Path> BOARD_LEDS = List.of(Path.of("/sys/class/leds/ACT"), Path.of("/sys/class/leds/led0"));

    public ParentSettings {
        Objects.requireNonNull(audioLanguage, "audioLanguage");
        Objects.requireNonNull(audioDir, "audioDir");
        Objects.requireNonNull(audioDevice, "audioDevice");
        Objects.requireNonNull(doublePress, "doublePress");
        Objects.requireNonNull(menuStep, "menuStep");
        Objects.requireNonNull(boardLed, "boardLed");
    }

    /** The defaults, with recordings in {@code dataDir/audio}. */
    public static ParentSettings defaults(Path dataDir) {
        return new ParentSettings(false, Optional.empty(), dataDir.resolve("audio"), "default", Duration.ofMillis(700),
                Duration.ofSeconds(8), "auto");
    }

    /** The LED {@code light.board} names, if any: for {@code auto}, the first of {@link #BOARD_LEDS} that exists. */
    public Optional<Path> boardLedFolder() {
        return switch (boardLed) {
            case "none" -> Optional.empty();
            case "auto" -> BOARD_LEDS.stream().filter(java.nio.file.Files::isDirectory).findFirst();
            default -> Optional.of(Path.of(boardLed));
        };
    }

    /**
     * Reads the keys from {@code values}; adds each problem (naming its key) to {@code problems} and returns the
     * settings as far as they could be read.
     */
    public static ParentSettings parse(Map<String, String> values, Path dataDir, List<String> problems) {
        ParentSettings d = defaults(dataDir);
        boolean speak = d.speakResults();
        String s = values.get("speak.results");
        if (s != null) {
            if (s.equals("true") || s.equals("false")) {
                speak = Boolean.parseBoolean(s);
            } else {
                problems.add("speak.results: '" + s + "' must be true or false");
            }
        }
        Optional<String> audioLanguage = Optional.ofNullable(values.get("audio.language")).filter(v -> !v.isEmpty());
        if (audioLanguage.isPresent() && !ConfigUpdate.AUDIO_LANGUAGE.matcher(audioLanguage.get()).matches()) {
            problems.add("audio.language: '" + audioLanguage.get() + "' must be a language code of 2-3 letters a-z, e.g. se");
            audioLanguage = Optional.empty();
        }
        Path dir = Optional.ofNullable(values.get("audio.dir")).filter(v -> !v.isEmpty()).map(Path::of).orElse(d.audioDir());
        String device = Optional.ofNullable(values.get("audio.device")).filter(v -> !v.isEmpty()).orElse(d.audioDevice());
        if (!device.matches("[A-Za-z0-9_:=,.-]{1,100}")) {
            problems.add("audio.device: '" + device + "' is not an ALSA device name like default or plughw:CARD=Device,DEV=0");
            device = d.audioDevice();
        }
        int doubleMs = intIn(values, "buttons.double.press.ms", 700, 200, 2000, problems);
        int stepMs = intIn(values, "help.menu.step.ms", 8000, 200, 60_000, problems);
        String led = Optional.ofNullable(values.get("light.board")).filter(v -> !v.isEmpty()).orElse("auto");
        if (!led.equals("auto") && !led.equals("none") && !led.startsWith("/")) {
            problems.add("light.board: '" + led + "' must be auto, none, or the LED's folder, e.g. /sys/class/leds/ACT");
            led = "auto";
        }
        return new ParentSettings(speak, audioLanguage, dir, device, Duration.ofMillis(doubleMs), Duration.ofMillis(stepMs), led);
    }

    private static int intIn(Map<String, String> values, String key, int fallback, int min, int max, List<String> problems) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(key + ": '" + v + "' must be a whole number from " + min + " to " + max);
        return fallback;
    }
}
