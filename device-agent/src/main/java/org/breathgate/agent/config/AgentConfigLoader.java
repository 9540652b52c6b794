package org.breathgate.agent.config;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Locale;
import java.util.OptionalInt;
import org.breathgate.hardware.BreathalyserConfig;
import org.breathgate.hardware.FrameModuleConfig;
import org.breathgate.hardware.GpioInterlockConfig;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LineProtocolConfig;
import org.breathgate.hardware.PanelConfig;
import org.breathgate.hardware.PpmConversion;
import org.breathgate.hardware.SensorInfo;
import org.breathgate.hardware.SerialPortConfig;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.breathgate.agent.schedule.ScheduleRules;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.protocol.Schedule;

/**
 * Builds an {@link AgentConfig} from a properties file and {@code --key=value} flags (flags win).
 * Every problem is collected and reported at once, each naming its key and what would be valid, so
 * a technician fixes the file in one go. Unknown keys are refused: a typo must not silently leave a
 * default in place.
 */
public final class AgentConfigLoader {

    /** The file the agent reads unless told otherwise. */
    public static final Path DEFAULT_FILE = Path.of("/etc/breathgate/agent.properties");

    private static final Set<String> KEYS = Set.of(
            "device.id", "key.file", "key.version", "key.store", "data.dir", "outbox.budget.mb",
            "mqtt.uri", "mqtt.client.id", "mqtt.tls.ca", "mqtt.tls.keystore", "mqtt.tls.keystore.password",
            "mqtt.username", "mqtt.password.file", "mqtt.inflight", "mqtt.ack.timeout.s", "mqtt.backoff.initial.ms",
            "mqtt.backoff.max.s", "mqtt.keepalive.s", "mqtt.connect.timeout.s",
            "sensor.port", "sensor.baud", "sensor.warmup.timeout.s", "sensor.test.timeout.s", "sensor.implausible.above",
            "schedule.zone", "schedule.slots", "schedule.window.before.min", "schedule.window.after.min",
            "schedule.reminders.min", "retest.delay.min", "retest.window.min", "retest.max", "retest.coalesce",
            "abstain.min", "late.grace.min", "schedule.minute.ms", "threshold.ugl", "language", "voice", "status.interval.s",
            "tick.ms", "clock.jump.tolerance.s", "status.file",
            "sensor.driver", "sensor.model", "sensor.serial", "sensor.calibration.due", "sensor.full.scale.ppm",
            "sensor.ppm.per.count", "sensor.preheat.s",
            "interlock.ready.pin", "interlock.pass.pin", "interlock.fail.pin", "interlock.start.pin", "interlock.active.high",
            "panel", "panel.start.pin", "panel.support.pin", "panel.led.pin", "panel.led.white.pin", "panel.led.green.pin",
            "panel.led.amber.pin", "panel.led.blue.pin", "panel.buzzer.pin", "panel.debounce.ms",
            "receiver.url", "receiver.tls.fingerprint");

    private final Map<String, String> values = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();

    private AgentConfigLoader() {
    }

    /**
     * Reads {@code file} (if it exists; a missing file is a problem only when no flags give the
     * required keys) and applies {@code flags} of the form {@code --key=value}.
     */
    public static AgentConfig load(Path file, List<String> flags) throws ConfigException {
        AgentConfigLoader loader = new AgentConfigLoader();
        if (file != null && Files.exists(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigException(List.of(file + ": cannot be read: " + e.getMessage()));
            }
            p.stringPropertyNames().forEach(k -> loader.values.put(k, p.getProperty(k).strip()));
        } else if (file != null && flags.isEmpty()) {
            throw new ConfigException(List.of(file + ": does not exist; copy docs/agent.md's example there"));
        }
        for (String flag : flags) {
            if (!flag.startsWith("--") || flag.indexOf('=') < 3) {
                loader.problems.add("flag '" + flag + "': flags look like --key=value, e.g. --device.id=home-0042");
                continue;
            }
            int eq = flag.indexOf('=');
            loader.values.put(flag.substring(2, eq), flag.substring(eq + 1).strip());
        }
        return loader.build();
    }

    /** From key/value pairs alone (tests, and the demo that starts several agents in one JVM). */
    public static AgentConfig fromMap(Map<String, String> keyValues) throws ConfigException {
        AgentConfigLoader loader = new AgentConfigLoader();
        loader.values.putAll(keyValues);
        return loader.build();
    }

    private AgentConfig build() throws ConfigException {
        for (String key : values.keySet()) {
            if (!KEYS.contains(key) && !org.breathgate.agent.photo.PhotoSettings.KEYS.contains(key)
                    && !org.breathgate.agent.prompt.ParentSettings.KEYS.contains(key) && !key.matches("receiver\\.key\\.[1-9][0-9]{0,8}")) {
                problems.add(key + ": unknown key (see docs/agent.md for the keys)");
            }
        }
        String deviceId = required("device.id", v -> {
            DeviceIds.check(v);
            return v;
        });
        Path keyFile = required("key.file", Path::of);
        int keyVersion = optional("key.version", 1, v -> intIn(v, 1, 999_999));
        AgentConfig.KeyStore keyStore = optional("key.store", AgentConfig.KeyStore.FILE, v -> switch (v) {
            case "file" -> AgentConfig.KeyStore.FILE;
            case "tpm" -> AgentConfig.KeyStore.TPM;
            default -> throw new IllegalArgumentException("must be file or tpm (a key held in the TPM module)");
        });
        Map<Integer, Path> receiverKeys = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.matches("receiver\\.key\\.[1-9][0-9]{0,8}")) {
                receiverKeys.put(Integer.parseInt(k.substring("receiver.key.".length())), Path.of(v));
            }
        });
        if (receiverKeys.isEmpty()) {
            problems.add("receiver.key.<n>: at least one receiver public key is needed, e.g. receiver.key.1=/etc/breathgate/receiver-1.pem");
        }
        Path dataDir = optional("data.dir", Path.of("/var/lib/breathgate"), Path::of);
        long budget = optional("outbox.budget.mb", 64, v -> intIn(v, 1, 100_000)) * 1024L * 1024L;

        URI uri = required("mqtt.uri", AgentConfigLoader::brokerUri);
        AgentConfig.Mqtt mqtt = new AgentConfig.Mqtt(
                uri == null ? URI.create("tcp://invalid:1883") : uri,
                optional("mqtt.client.id", deviceId == null ? "unknown" : deviceId, v -> v),
                optionalPath("mqtt.tls.ca"), optionalPath("mqtt.tls.keystore"),
                optional("mqtt.tls.keystore.password", "", v -> v),
                Optional.ofNullable(values.get("mqtt.username")), optionalPath("mqtt.password.file"),
                optional("mqtt.inflight", 128, v -> intIn(v, 1, 1000)),
                Duration.ofSeconds(optional("mqtt.ack.timeout.s", 30, v -> intIn(v, 1, 3600))),
                Duration.ofMillis(optional("mqtt.backoff.initial.ms", 1000, v -> intIn(v, 10, 600_000))),
                Duration.ofSeconds(optional("mqtt.backoff.max.s", 300, v -> intIn(v, 1, 86_400))),
                Duration.ofSeconds(optional("mqtt.keepalive.s", 5400, v -> intIn(v, 5, 65_535))),
                Duration.ofSeconds(optional("mqtt.connect.timeout.s", 20, v -> intIn(v, 1, 300))));

        AgentConfig.Sensor sensor = sensor();

        BreathalyserConfig breathalyser = breathalyser(sensor);
        Optional<PanelConfig> panel = panel();
        Optional<AgentConfig.Enrollment> enrollment = enrollment();
        Path statusFile = optional("status.file", dataDir.resolve("status.json"), Path::of);

        Schedule schedule = schedule();
        ScheduleRules rules = null;
        if (schedule != null) {
            rules = new ScheduleRules(schedule,
                    Duration.ofMinutes(optional("late.grace.min", 60, v -> intIn(v, 0, 720))),
                    optional("retest.coalesce", true, AgentConfigLoader::bool),
                    Duration.ofMillis(optional("schedule.minute.ms", 60_000, v -> intIn(v, 10, 60_000))));
        }
        BreathAlcohol threshold = optional("threshold.ugl", AgentConfig.DEFAULT_THRESHOLD, v -> new BreathAlcohol(intIn(v, 1, 10_000)));
        // "se" (Northern Sámi) has no synthesised voice: it means the service's Sámi recordings, and Finnish speech
        // for any sentence without one; the same as language=fi with audio.language=se.
        boolean sami = "se".equals(values.get("language"));
        if (sami && values.get("audio.language") != null && !values.get("audio.language").isEmpty()
                && !values.get("audio.language").equals("se")) {
            problems.add("language: 'se' means audio.language=se, but audio.language is '" + values.get("audio.language") + "'");
        }
        String language = sami ? "fi" : optional("language", "fi", v -> {
            if (!ConfigUpdate.LANGUAGES.contains(v)) {
                throw new IllegalArgumentException("must be fi, sv, en, or se (Northern Sámi recordings with Finnish speech)");
            }
            return v;
        });
        boolean voice = optional("voice", true, AgentConfigLoader::bool);
        Duration status = Duration.ofSeconds(optional("status.interval.s", 3600, v -> intIn(v, 1, 86_400)));
        Duration tick = Duration.ofMillis(optional("tick.ms", 1000, v -> intIn(v, 10, 60_000)));
        Duration jump = Duration.ofSeconds(optional("clock.jump.tolerance.s", 10, v -> intIn(v, 1, 3600)));
        org.breathgate.agent.photo.PhotoSettings photo = org.breathgate.agent.photo.PhotoSettings.parse(values, problems);
        org.breathgate.agent.prompt.ParentSettings parent = org.breathgate.agent.prompt.ParentSettings.parse(values, dataDir, problems);
        if (sami) {
            parent = new org.breathgate.agent.prompt.ParentSettings(parent.speakResults(), Optional.of("se"), parent.audioDir(),
                    parent.audioDevice(), parent.doublePress(), parent.menuStep(), parent.boardLed());
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new AgentConfig(deviceId, keyFile, keyVersion, receiverKeys, dataDir, budget, mqtt, sensor, rules,
                threshold, language, voice, status, tick, jump, breathalyser, panel, enrollment, statusFile, photo, keyStore, parent);
    }

    private AgentConfig.Sensor sensor() {
        return new AgentConfig.Sensor(
                optional("sensor.port", "/dev/ttyUSB0", v -> v),
                optional("sensor.baud", 9600, v -> intIn(v, 1200, 115_200)),
                Duration.ofSeconds(optional("sensor.warmup.timeout.s", 300, v -> intIn(v, 1, 3600))),
                Duration.ofSeconds(optional("sensor.test.timeout.s", 60, v -> intIn(v, 5, 600))),
                optional("sensor.implausible.above", 4000, v -> intIn(v, 100, BreathAlcohol.MAX_MICROGRAMS_PER_LITRE)));
    }

    /**
     * The breathalyser driver configuration alone, from the {@code sensor.*} and {@code interlock.*}
     * keys; for the setup wizard's self-test, before the device has an id or keys.
     */
    public static BreathalyserConfig breathalyserOnly(Map<String, String> keyValues) throws ConfigException {
        AgentConfigLoader loader = new AgentConfigLoader();
        loader.values.putAll(keyValues);
        BreathalyserConfig c = loader.breathalyser(loader.sensor());
        if (!loader.problems.isEmpty()) {
            throw new ConfigException(loader.problems);
        }
        return c;
    }

    private BreathalyserConfig breathalyser(AgentConfig.Sensor sensor) {
        String driver = optional("sensor.driver", "line", v -> {
            if (!List.of("line", "frame", "gpio-interlock").contains(v)) {
                throw new IllegalArgumentException("must be line, frame or gpio-interlock");
            }
            return v;
        });
        SerialPortConfig port;
        try {
            port = SerialPortConfig.of(sensor.port(), sensor.baudRate());
        } catch (IllegalArgumentException e) {
            problems.add("sensor.baud: " + e.getMessage());
            return null;
        }
        try {
            switch (driver) {
                case "frame": {
                    SensorInfo info = sensorInfo(true);
                    BigDecimal fullScale = required("sensor.full.scale.ppm", BigDecimal::new);
                    BigDecimal perCount = optional("sensor.ppm.per.count", BigDecimal.ONE, BigDecimal::new);
                    int preheat = optional("sensor.preheat.s", 180, v -> intIn(v, 0, 3600));
                    if (info == null || fullScale == null) {
                        return null;
                    }
                    // Sampling a 5 s window every 200 ms catches the peak of one blow; 1 s per reply and
                    // 3 attempts ride out a noisy line without a long wait.
                    return new FrameModuleConfig(port, info, fullScale, perCount, PpmConversion.breath(),
                            FrameModuleConfig.DEFAULT_MINIMUM_FULL_SCALE, Duration.ofSeconds(preheat), Duration.ofSeconds(5),
                            Duration.ofMillis(200), Duration.ofSeconds(1), 3);
                }
                case "gpio-interlock": {
                    SensorInfo info = sensorInfo(true);
                    int ready = optional("interlock.ready.pin", 17, v -> intIn(v, 2, 27));
                    int pass = optional("interlock.pass.pin", 27, v -> intIn(v, 2, 27));
                    int fail = optional("interlock.fail.pin", 22, v -> intIn(v, 2, 27));
                    OptionalInt start = values.containsKey("interlock.start.pin") && !values.get("interlock.start.pin").isEmpty()
                            ? OptionalInt.of(optional("interlock.start.pin", 23, v -> intIn(v, 2, 27))) : OptionalInt.empty();
                    boolean activeHigh = optional("interlock.active.high", false, AgentConfigLoader::bool);
                    if (info == null) {
                        return null;
                    }
                    return new GpioInterlockConfig(ready, pass, fail, start, activeHigh, info, Duration.ofMillis(200));
                }
                default:
                    return new LineProtocolConfig(port, Duration.ofSeconds(1), 3, Duration.ofSeconds(5), Duration.ofSeconds(1));
            }
        } catch (IllegalArgumentException e) {
            problems.add("sensor.driver=" + driver + ": " + e.getMessage());
            return null;
        }
    }

    /** The identity of a sensor that cannot report it (gas modules, interlocks), from the label and certificate. */
    private SensorInfo sensorInfo(boolean required) {
        String model = required ? required("sensor.model", v -> v) : values.get("sensor.model");
        String serial = required ? required("sensor.serial", v -> v) : values.get("sensor.serial");
        Optional<LocalDate> due = Optional.ofNullable(optional("sensor.calibration.due", null, v -> {
            try {
                return LocalDate.parse(v);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("is not a date like 2027-05-24");
            }
        }));
        if (model == null || serial == null) {
            return null;
        }
        try {
            return new SensorInfo(model, serial, Optional.empty(), due);
        } catch (IllegalArgumentException e) {
            problems.add("sensor.model/sensor.serial: " + e.getMessage());
            return null;
        }
    }

    private Optional<PanelConfig> panel() {
        String kind = optional("panel", "none", v -> {
            if (!v.equals("none") && !v.equals("gpio")) {
                throw new IllegalArgumentException("must be none or gpio");
            }
            return v;
        });
        if (!kind.equals("gpio")) {
            return Optional.empty();
        }
        int start = optional("panel.start.pin", 5, v -> intIn(v, 2, 27));
        int support = optional("panel.support.pin", 6, v -> intIn(v, 2, 27));
        int led = optional("panel.led.pin", 13, v -> intIn(v, 2, 27));
        Map<LightColour, Integer> leds = new EnumMap<>(LightColour.class);
        for (LightColour c : LightColour.values()) {
            String key = "panel.led." + c.name().toLowerCase(Locale.ROOT) + ".pin";
            leds.put(c, optional(key, led, v -> intIn(v, 2, 27)));
        }
        int buzzer = optional("panel.buzzer.pin", 19, v -> intIn(v, 2, 27));
        int debounce = optional("panel.debounce.ms", 50, v -> intIn(v, 0, 1000));
        try {
            return Optional.of(new PanelConfig(start, support, leds, buzzer, Duration.ofMillis(debounce)));
        } catch (IllegalArgumentException e) {
            problems.add("panel.*: " + e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<AgentConfig.Enrollment> enrollment() {
        URI url = optional("receiver.url", null, AgentConfigLoader::receiverUrl);
        String fingerprint = optional("receiver.tls.fingerprint", null, v -> {
            if (!v.matches("sha256:[0-9a-f]{64}")) {
                throw new IllegalArgumentException("must be sha256: followed by 64 lower-case hex digits");
            }
            return v;
        });
        if (url == null) {
            if (fingerprint != null) {
                problems.add("receiver.tls.fingerprint: only meaningful with receiver.url");
            }
            return Optional.empty();
        }
        return Optional.of(new AgentConfig.Enrollment(url, Optional.ofNullable(fingerprint)));
    }

    private static URI receiverUrl(String v) {
        URI uri;
        try {
            uri = new URI(v);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a URL like https://receiver.example.fi:8443");
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("must be https://host[:port]");
        }
        return uri;
    }

    private Schedule schedule() {
        ZoneId zone = optional("schedule.zone", ZoneId.of("Europe/Helsinki"), ZoneId::of);
        int before = optional("schedule.window.before.min", 30, v -> intIn(v, 0, 120));
        int after = optional("schedule.window.after.min", 30, v -> intIn(v, 1, 120));
        List<Schedule.Slot> slots = optional("schedule.slots", List.of(), v -> {
            List<Schedule.Slot> out = new ArrayList<>();
            for (String t : v.split(",")) {
                if (!t.isBlank()) {
                    out.add(new Schedule.Slot(LocalTime.parse(t.strip()), before, after));
                }
            }
            return out;
        });
        List<Integer> reminders = optional("schedule.reminders.min", List.of(30, 15), v -> {
            Set<Integer> out = new TreeSet<>();
            for (String t : v.split(",")) {
                if (!t.isBlank()) {
                    out.add(intIn(t.strip(), 1, 240));
                }
            }
            return List.copyOf(out);
        });
        int delay = optional("retest.delay.min", 20, v -> intIn(v, 1, 240));
        int window = optional("retest.window.min", 30, v -> intIn(v, 1, 240));
        int max = optional("retest.max", 6, v -> intIn(v, 0, 20));
        int abstain = optional("abstain.min", 15, v -> intIn(v, 0, 120));
        if (zone == null || slots == null || reminders == null) {
            return null;
        }
        try {
            return new Schedule(zone, slots, reminders, delay, window, max, abstain);
        } catch (IllegalArgumentException e) {
            problems.add("schedule: " + e.getMessage());
            return null;
        }
    }

    private <T> T required(String key, Function<String, T> parse) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            problems.add(key + ": required");
            return null;
        }
        return parse(key, v, parse, null);
    }

    private <T> T optional(String key, T fallback, Function<String, T> parse) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        return parse(key, v, parse, fallback);
    }

    private Optional<Path> optionalPath(String key) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(Path.of(v));
    }

    private <T> T parse(String key, String value, Function<String, T> parse, T fallback) {
        try {
            return parse.apply(value);
        } catch (DateTimeParseException e) {
            problems.add(key + ": '" + value + "' is not a time like 08:00");
        } catch (DateTimeException e) {
            problems.add(key + ": '" + value + "' is not a time zone like Europe/Helsinki");
        } catch (RuntimeException e) {
            problems.add(key + ": '" + value + "' " + e.getMessage());
        }
        return fallback;
    }

    private static int intIn(String v, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not a whole number");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("must be " + min + "-" + max);
        }
        return n;
    }

    private static boolean bool(String v) {
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException("must be true or false");
    }

    private static URI brokerUri(String v) {
        URI uri;
        try {
            uri = new URI(v);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a URI like ssl://mqtt.example.fi:8883");
        }
        if (!("ssl".equals(uri.getScheme()) || "tcp".equals(uri.getScheme())) || uri.getHost() == null || uri.getPort() < 1) {
            throw new IllegalArgumentException("must be ssl://host:port (or tcp://host:port in a lab)");
        }
        return uri;
    }
}
