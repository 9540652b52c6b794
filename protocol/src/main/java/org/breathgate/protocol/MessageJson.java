package org.breathgate.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of every {@link Message}: writes a fixed field order, reads strictly.
 *
 * <p>Reading refuses duplicate keys, trailing data, wrong JSON types and values outside a
 * field's rules, each with its own {@link Rejection}. Keys it does not know are tolerated and
 * returned as {@link Payload#extensions()}, so that newer devices can add fields without breaking
 * older receivers; the exact bytes, extensions included, are what a receiver stores.
 */
public final class MessageJson {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxStringLength(16 * 1024).build())
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private MessageJson() {
    }

    /** A decoded payload: the message, and any keys this version does not know (path to raw JSON). */
    public record Payload(Message message, Map<String, String> extensions) {
        public Payload {
            java.util.Objects.requireNonNull(message, "message");
            extensions = Map.copyOf(extensions);
        }
    }

    // ---------------------------------------------------------------- reading

    /** Reads one JSON object. Anything but a single well-formed object is refused. */
    static ObjectNode readObject(byte[] json, String what) throws InvalidMessageException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new InvalidMessageException(Rejection.MALFORMED_JSON, what + " is not a JSON object");
            }
            JsonNode tree = MAPPER.readTree(parser);
            if (hasMoreData(parser)) {
                throw new InvalidMessageException(Rejection.TRAILING_DATA, what + " has data after its JSON object");
            }
            return (ObjectNode) tree;
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            if (message != null && message.startsWith("Duplicate field")) {
                throw new InvalidMessageException(Rejection.DUPLICATE_KEY, what + ": " + message, e);
            }
            throw new InvalidMessageException(Rejection.MALFORMED_JSON, what + " is not valid JSON: " + message, e);
        } catch (IOException e) {
            throw new InvalidMessageException(Rejection.MALFORMED_JSON, what + " could not be read: " + e.getMessage(), e);
        }
    }

    private static boolean hasMoreData(JsonParser parser) {
        try {
            return parser.nextToken() != null;
        } catch (IOException e) {
            return true; // not even a token: still something after the object
        }
    }

    /** Decodes a payload into its message. */
    public static Payload decode(byte[] json) throws InvalidMessageException {
        JsonFields root = new JsonFields(readObject(json, "payload"), "");
        if (!root.has("v")) {
            throw new InvalidMessageException(Rejection.MISSING_FIELD, "v is required");
        }
        long version = root.longValue("v");
        if (version != Message.VERSION) {
            throw new InvalidMessageException(Rejection.UNSUPPORTED_VERSION, "v is " + version + ", this implementation reads " + Message.VERSION);
        }
        String typeName = root.text("type");
        MessageType type = MessageType.fromWireName(typeName)
                .orElseThrow(() -> new InvalidMessageException(Rejection.UNKNOWN_TYPE, "type '" + typeName + "' is not known"));
        String device = root.text("device");
        if (!DeviceIds.isValid(device)) {
            throw root.invalid("device", "is not a valid device id");
        }
        Message message = switch (type) {
            case READING -> decodeReading(root, device);
            case MISSED_TEST -> decodeMissed(root, device);
            case TAMPER -> decodeTamper(root, device);
            case SUPPORT_REQUEST -> decodeSupport(root, device);
            case STATUS -> decodeStatus(root, device);
            case PHOTO -> decodePhotoChunk(root, device);
            case ACK -> decodeAck(root, device);
            case CONFIG -> decodeConfig(root, device);
            case SUPPORT_REPLY -> decodeSupportReply(root, device);
            case TEST_REQUEST -> decodeTestRequest(root, device);
        };
        Map<String, String> extensions = new LinkedHashMap<>();
        root.collectUnread(extensions);
        return new Payload(message, extensions);
    }

    private static ClockFacts decodeClock(JsonFields root) throws InvalidMessageException {
        JsonFields c = root.object("clock");
        var wall = c.instant("wall");
        String boot = c.text("boot");
        long mono = c.longValue("mono_ms");
        boolean synced = c.bool("synced");
        return c.construct("clock", () -> new ClockFacts(wall, boot, mono, synced));
    }

    private static TestReason decodeReason(JsonFields root) throws InvalidMessageException {
        JsonFields r = root.object("reason");
        String kind = r.text("kind");
        switch (kind) {
            case "scheduled" -> {
                var slot = r.instant("slot");
                boolean late = r.bool("late");
                return r.construct("reason", () -> new TestReason.Scheduled(slot, late));
            }
            case "on_demand" -> {
                return new TestReason.OnDemand();
            }
            case "retest" -> {
                long of = r.longValue("of");
                long chainStart = r.longValue("chain_start");
                int attempt = r.intValue("attempt");
                return r.construct("reason", () -> new TestReason.Retest(of, chainStart, attempt));
            }
            case "random" -> {
                var slot = r.instant("slot");
                return r.construct("reason", () -> new TestReason.Random(slot));
            }
            case "requested" -> {
                long request = r.longValue("request");
                return r.construct("reason", () -> new TestReason.Requested(request));
            }
            default -> throw r.invalid("kind", "has unknown value '" + kind + "'");
        }
    }

    private static Reading decodeReading(JsonFields root, String device) throws InvalidMessageException {
        long seq = root.longValue("seq");
        ClockFacts clock = decodeClock(root);
        TestReason reason = decodeReason(root);
        Outcome outcome = root.enumValue("outcome", Outcome.class);
        Integer brac = root.optInt("brac_ug_l");
        int threshold = root.intValue("threshold_ug_l");
        AbortReason abort = root.optEnum("abort_reason", AbortReason.class);
        Integer blowMs = root.optInt("blow_ms");
        Integer temp = root.optInt("sensor_temp_dc");
        JsonFields s = root.object("sensor");
        String model = s.text("model");
        String serial = s.text("serial");
        var due = s.optDate("calibration_due");
        SensorFacts sensor = s.construct("sensor", () -> new SensorFacts(model, serial, due));
        ReadingPhoto photo = root.has("photo") ? decodeReadingPhoto(root.object("photo")) : null;
        return root.construct("reading", () -> new Reading(device, seq, clock, reason, outcome,
                brac == null ? null : new BreathAlcohol(brac), new BreathAlcohol(threshold), abort, blowMs, temp, sensor, photo));
    }

    private static ReadingPhoto decodeReadingPhoto(JsonFields p) throws InvalidMessageException {
        if (p.bool("taken")) {
            String sha256 = p.text("sha256");
            int size = p.intValue("size");
            String mediaType = p.text("media_type");
            return p.construct("photo", () -> new ReadingPhoto.Taken(sha256, size, mediaType));
        }
        PhotoAbsence reason = p.enumValue("reason", PhotoAbsence.class);
        return new ReadingPhoto.NotTaken(reason);
    }

    private static final java.util.Base64.Decoder BASE64 = java.util.Base64.getDecoder();
    private static final java.util.Base64.Encoder BASE64_OUT = java.util.Base64.getEncoder();

    private static PhotoChunk decodePhotoChunk(JsonFields root, String device) throws InvalidMessageException {
        ClockFacts clock = decodeClock(root);
        long readingSeq = root.longValue("reading_seq");
        String sha256 = root.text("sha256");
        int size = root.intValue("size");
        String mediaType = root.text("media_type");
        int index = root.intValue("chunk");
        int count = root.intValue("chunks");
        String text = root.text("data");
        byte[] data;
        try {
            data = BASE64.decode(text);
        } catch (IllegalArgumentException e) {
            throw root.invalid("data", "is not base64 (RFC 4648 section 4, with padding): " + e.getMessage());
        }
        if (!BASE64_OUT.encodeToString(data).equals(text)) {
            throw root.invalid("data", "is not canonical base64 (RFC 4648 section 4, with padding)");
        }
        return root.construct("photo", () -> new PhotoChunk(device, clock, readingSeq, sha256, size, mediaType, index, count, data));
    }

    private static MissedTest decodeMissed(JsonFields root, String device) throws InvalidMessageException {
        long seq = root.longValue("seq");
        ClockFacts clock = decodeClock(root);
        TestReason reason = decodeReason(root);
        var opened = root.instant("window_opened");
        var closed = root.instant("window_closed");
        int attempts = root.intValue("aborted_attempts");
        return root.construct("missed_test", () -> new MissedTest(device, seq, clock, reason, opened, closed, attempts));
    }

    private static TamperEvent decodeTamper(JsonFields root, String device) throws InvalidMessageException {
        long seq = root.longValue("seq");
        ClockFacts clock = decodeClock(root);
        TamperKind kind = root.enumValue("kind", TamperKind.class);
        String detail = root.text("detail");
        return root.construct("tamper", () -> new TamperEvent(device, seq, clock, kind, detail));
    }

    private static SupportRequest decodeSupport(JsonFields root, String device) throws InvalidMessageException {
        long seq = root.longValue("seq");
        ClockFacts clock = decodeClock(root);
        SupportNeed need = root.optEnum("need", SupportNeed.class);
        if (need == null) {
            if (root.has("need_chosen")) {
                throw root.invalid("need_chosen", "is only said together with need");
            }
            return root.construct("support_request", () -> new SupportRequest(device, seq, clock));
        }
        boolean chosen = root.bool("need_chosen");
        return root.construct("support_request", () -> new SupportRequest(device, seq, clock, need, chosen));
    }

    private static SupportReply decodeSupportReply(JsonFields root, String device) throws InvalidMessageException {
        var issued = root.instant("issued");
        List<SupportReply.Entry> entries = new ArrayList<>();
        for (JsonFields r : root.objects("requests")) {
            long seq = r.longValue("seq");
            SupportReply.State state = r.enumValue("state", SupportReply.State.class);
            SupportReply.Role by = r.enumValue("by", SupportReply.Role.class);
            var from = r.optInstant("contact_from");
            var before = r.optInstant("contact_before");
            entries.add(r.construct("request", () -> new SupportReply.Entry(seq, state, by, from, before)));
        }
        return root.construct("support_reply", () -> new SupportReply(device, issued, entries));
    }

    private static DeviceStatus decodeStatus(JsonFields root, String device) throws InvalidMessageException {
        ClockFacts clock = decodeClock(root);
        boolean online = root.bool("online");
        long uptime = root.longValue("uptime_s");
        long lastSeq = root.longValue("last_seq");
        int depth = root.intValue("outbox_depth");
        long bytes = root.longValue("outbox_bytes");
        long budget = root.longValue("outbox_budget_bytes");
        long free = root.longValue("disk_free_bytes");
        SensorState sensorState = root.enumValue("sensor_state", SensorState.class);
        var due = root.optDate("calibration_due");
        String agentVersion = root.text("agent_version");
        long configVersion = root.longValue("config_version");
        List<String> warnings = root.texts("warnings");
        Long oldest = root.has("outbox_oldest_s") ? root.longValue("outbox_oldest_s") : null;
        return root.construct("status", () -> new DeviceStatus(device, clock, online, uptime, lastSeq, depth, bytes, budget,
                free, sensorState, due, agentVersion, configVersion, warnings, oldest));
    }

    private static Ack decodeAck(JsonFields root, String device) throws InvalidMessageException {
        var issued = root.instant("issued");
        List<Ack.Entry> entries = new ArrayList<>();
        for (JsonFields e : root.objects("entries")) {
            long seq = e.longValue("seq");
            Ack.Result result = e.enumValue("result", Ack.Result.class);
            String reason = e.optText("reason");
            entries.add(e.construct("entry", () -> new Ack.Entry(seq, result, reason)));
        }
        List<Ack.PhotoEntry> photos = new ArrayList<>();
        if (root.has("photos")) {
            for (JsonFields p : root.objects("photos")) {
                long seq = p.longValue("seq");
                Ack.PhotoResult result = p.enumValue("result", Ack.PhotoResult.class);
                List<Integer> missing = p.has("missing") ? p.ints("missing") : List.of();
                photos.add(p.construct("photo", () -> new Ack.PhotoEntry(seq, result, missing)));
            }
        }
        return root.construct("ack", () -> new Ack(device, issued, entries, photos));
    }

    private static ConfigUpdate decodeConfig(JsonFields root, String device) throws InvalidMessageException {
        long version = root.longValue("version");
        var issued = root.instant("issued");
        JsonFields s = root.object("schedule");
        var zone = s.zone("zone");
        List<Schedule.Slot> slots = new ArrayList<>();
        for (JsonFields slot : s.objects("slots")) {
            var at = slot.time("at");
            int before = slot.intValue("before_min");
            int after = slot.intValue("after_min");
            slots.add(slot.construct("slot", () -> new Schedule.Slot(at, before, after)));
        }
        List<Integer> reminders = s.ints("reminders_before_close_min");
        int retestDelay = s.intValue("retest_delay_min");
        int retestWindow = s.intValue("retest_window_min");
        int maxRetests = s.intValue("max_retests");
        int abstain = s.intValue("abstain_min");
        Schedule.RandomTests random = null;
        if (s.has("random_tests")) {
            JsonFields r = s.object("random_tests");
            int perDay = r.intValue("per_day");
            var from = r.time("from");
            var until = r.time("until");
            int window = r.intValue("window_min");
            random = r.construct("random_tests", () -> new Schedule.RandomTests(perDay, from, until, window));
        }
        Schedule.RandomTests randomTests = random;
        Schedule schedule = s.construct("schedule",
                () -> new Schedule(zone, slots, reminders, retestDelay, retestWindow, maxRetests, abstain, randomTests));
        int threshold = root.intValue("threshold_ug_l");
        String language = root.text("language");
        int statusInterval = root.intValue("status_interval_s");
        Boolean speakResults = root.optBool("speak_results");
        String audioLanguage = root.optText("audio_language");
        return root.construct("config", () -> new ConfigUpdate(device, version, issued, schedule,
                new BreathAlcohol(threshold), language, statusInterval, speakResults, audioLanguage));
    }

    private static TestRequest decodeTestRequest(JsonFields root, String device) throws InvalidMessageException {
        long request = root.longValue("request");
        var issued = root.instant("issued");
        var until = root.instant("until");
        return root.construct("test_request", () -> new TestRequest(device, request, issued, until));
    }

    // ---------------------------------------------------------------- writing

    /** The JSON bytes of {@code message}, UTF-8, fields in a fixed order, no whitespace. */
    public static byte[] encode(Message message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", Message.VERSION);
            g.writeStringField("type", message.type().wireName());
            g.writeStringField("device", message.deviceId());
            if (message instanceof Reading r) {
                writeReading(g, r);
            } else if (message instanceof MissedTest m) {
                g.writeNumberField("seq", m.seq());
                writeClock(g, m.clock());
                writeReason(g, m.reason());
                g.writeStringField("window_opened", m.windowOpened().toString());
                g.writeStringField("window_closed", m.windowClosed().toString());
                g.writeNumberField("aborted_attempts", m.abortedAttempts());
            } else if (message instanceof TamperEvent t) {
                g.writeNumberField("seq", t.seq());
                writeClock(g, t.clock());
                g.writeStringField("kind", t.kind().wireName());
                g.writeStringField("detail", t.detail());
            } else if (message instanceof SupportRequest s) {
                g.writeNumberField("seq", s.seq());
                writeClock(g, s.clock());
                if (s.need() != null) {
                    g.writeStringField("need", s.need().wireName());
                    g.writeBooleanField("need_chosen", s.needChosen());
                }
            } else if (message instanceof DeviceStatus s) {
                writeStatus(g, s);
            } else if (message instanceof PhotoChunk p) {
                writeClock(g, p.clock());
                g.writeNumberField("reading_seq", p.readingSeq());
                g.writeStringField("sha256", p.sha256());
                g.writeNumberField("size", p.size());
                g.writeStringField("media_type", p.mediaType());
                g.writeNumberField("chunk", p.index());
                g.writeNumberField("chunks", p.count());
                g.writeStringField("data", BASE64_OUT.encodeToString(p.data()));
            } else if (message instanceof Ack a) {
                writeAck(g, a);
            } else if (message instanceof ConfigUpdate c) {
                writeConfig(g, c);
            } else if (message instanceof SupportReply r) {
                writeSupportReply(g, r);
            } else if (message instanceof TestRequest t) {
                g.writeNumberField("request", t.request());
                g.writeStringField("issued", DateTimeFormatter.ISO_INSTANT.format(t.issued()));
                g.writeStringField("until", DateTimeFormatter.ISO_INSTANT.format(t.until()));
            } else {
                throw new IllegalStateException("unknown message " + message.getClass());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e);
        }
        return out.toByteArray();
    }

    private static void writeClock(JsonGenerator g, ClockFacts clock) throws IOException {
        g.writeObjectFieldStart("clock");
        g.writeStringField("wall", DateTimeFormatter.ISO_INSTANT.format(clock.wall()));
        g.writeStringField("boot", clock.bootId());
        g.writeNumberField("mono_ms", clock.monotonicMs());
        g.writeBooleanField("synced", clock.synced());
        g.writeEndObject();
    }

    private static void writeReason(JsonGenerator g, TestReason reason) throws IOException {
        g.writeObjectFieldStart("reason");
        if (reason instanceof TestReason.Scheduled s) {
            g.writeStringField("kind", "scheduled");
            g.writeStringField("slot", s.slot().toString());
            g.writeBooleanField("late", s.late());
        } else if (reason instanceof TestReason.Random r) {
            g.writeStringField("kind", "random");
            g.writeStringField("slot", r.slot().toString());
        } else if (reason instanceof TestReason.Requested q) {
            g.writeStringField("kind", "requested");
            g.writeNumberField("request", q.request());
        } else if (reason instanceof TestReason.Retest r) {
            g.writeStringField("kind", "retest");
            g.writeNumberField("of", r.of());
            g.writeNumberField("chain_start", r.chainStart());
            g.writeNumberField("attempt", r.attempt());
        } else {
            g.writeStringField("kind", "on_demand");
        }
        g.writeEndObject();
    }

    private static void writeReading(JsonGenerator g, Reading r) throws IOException {
        g.writeNumberField("seq", r.seq());
        writeClock(g, r.clock());
        writeReason(g, r.reason());
        g.writeStringField("outcome", r.outcome().wireName());
        if (r.breathAlcohol() != null) {
            g.writeNumberField("brac_ug_l", r.breathAlcohol().microgramsPerLitre());
        }
        g.writeNumberField("threshold_ug_l", r.threshold().microgramsPerLitre());
        if (r.abortReason() != null) {
            g.writeStringField("abort_reason", r.abortReason().wireName());
        }
        if (r.blowMs() != null) {
            g.writeNumberField("blow_ms", r.blowMs());
        }
        if (r.sensorTemperatureDeciC() != null) {
            g.writeNumberField("sensor_temp_dc", r.sensorTemperatureDeciC());
        }
        g.writeObjectFieldStart("sensor");
        g.writeStringField("model", r.sensor().model());
        g.writeStringField("serial", r.sensor().serialNumber());
        if (r.sensor().calibrationDue() != null) {
            g.writeStringField("calibration_due", r.sensor().calibrationDue().toString());
        }
        g.writeEndObject();
        if (r.photo() instanceof ReadingPhoto.Taken t) {
            g.writeObjectFieldStart("photo");
            g.writeBooleanField("taken", true);
            g.writeStringField("sha256", t.sha256());
            g.writeNumberField("size", t.size());
            g.writeStringField("media_type", t.mediaType());
            g.writeEndObject();
        } else if (r.photo() instanceof ReadingPhoto.NotTaken n) {
            g.writeObjectFieldStart("photo");
            g.writeBooleanField("taken", false);
            g.writeStringField("reason", n.reason().wireName());
            g.writeEndObject();
        }
    }

    private static void writeStatus(JsonGenerator g, DeviceStatus s) throws IOException {
        writeClock(g, s.clock());
        g.writeBooleanField("online", s.online());
        g.writeNumberField("uptime_s", s.uptimeSeconds());
        g.writeNumberField("last_seq", s.lastSeq());
        g.writeNumberField("outbox_depth", s.outboxDepth());
        g.writeNumberField("outbox_bytes", s.outboxBytes());
        g.writeNumberField("outbox_budget_bytes", s.outboxBudgetBytes());
        if (s.outboxOldestSeconds() != null) {
            g.writeNumberField("outbox_oldest_s", s.outboxOldestSeconds());
        }
        g.writeNumberField("disk_free_bytes", s.diskFreeBytes());
        g.writeStringField("sensor_state", s.sensorState().wireName());
        if (s.calibrationDue() != null) {
            g.writeStringField("calibration_due", s.calibrationDue().toString());
        }
        g.writeStringField("agent_version", s.agentVersion());
        g.writeNumberField("config_version", s.configVersion());
        g.writeArrayFieldStart("warnings");
        for (String w : s.warnings()) {
            g.writeString(w);
        }
        g.writeEndArray();
    }

    private static void writeAck(JsonGenerator g, Ack a) throws IOException {
        g.writeStringField("issued", DateTimeFormatter.ISO_INSTANT.format(a.issued()));
        g.writeArrayFieldStart("entries");
        for (Ack.Entry e : a.entries()) {
            g.writeStartObject();
            g.writeNumberField("seq", e.seq());
            g.writeStringField("result", e.result().wireName());
            if (e.reason() != null) {
                g.writeStringField("reason", e.reason());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        if (!a.photos().isEmpty()) {
            g.writeArrayFieldStart("photos");
            for (Ack.PhotoEntry p : a.photos()) {
                g.writeStartObject();
                g.writeNumberField("seq", p.seq());
                g.writeStringField("result", p.result().wireName());
                if (!p.missing().isEmpty()) {
                    g.writeArrayFieldStart("missing");
                    for (int index : p.missing()) {
                        g.writeNumber(index);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
    }

    private static void writeConfig(JsonGenerator g, ConfigUpdate c) throws IOException {
        g.writeNumberField("version", c.version());
        g.writeStringField("issued", DateTimeFormatter.ISO_INSTANT.format(c.issued()));
        Schedule s = c.schedule();
        g.writeObjectFieldStart("schedule");
        g.writeStringField("zone", s.zone().getId());
        g.writeArrayFieldStart("slots");
        for (Schedule.Slot slot : s.slots()) {
            g.writeStartObject();
            g.writeStringField("at", slot.at().toString());
            g.writeNumberField("before_min", slot.windowBeforeMin());
            g.writeNumberField("after_min", slot.windowAfterMin());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("reminders_before_close_min");
        for (int m : s.remindersBeforeCloseMin()) {
            g.writeNumber(m);
        }
        g.writeEndArray();
        g.writeNumberField("retest_delay_min", s.retestDelayMin());
        g.writeNumberField("retest_window_min", s.retestWindowMin());
        g.writeNumberField("max_retests", s.maxRetests());
        g.writeNumberField("abstain_min", s.abstainMin());
        if (s.random() != null) {
            g.writeObjectFieldStart("random_tests");
            g.writeNumberField("per_day", s.random().perDay());
            g.writeStringField("from", s.random().from().toString());
            g.writeStringField("until", s.random().until().toString());
            g.writeNumberField("window_min", s.random().windowMin());
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeNumberField("threshold_ug_l", c.threshold().microgramsPerLitre());
        g.writeStringField("language", c.language());
        g.writeNumberField("status_interval_s", c.statusIntervalSeconds());
        if (c.speakResults() != null) {
            g.writeBooleanField("speak_results", c.speakResults());
        }
        if (c.audioLanguage() != null) {
            g.writeStringField("audio_language", c.audioLanguage());
        }
    }

    private static void writeSupportReply(JsonGenerator g, SupportReply r) throws IOException {
        g.writeStringField("issued", DateTimeFormatter.ISO_INSTANT.format(r.issued()));
        g.writeArrayFieldStart("requests");
        for (SupportReply.Entry e : r.requests()) {
            g.writeStartObject();
            g.writeNumberField("seq", e.seq());
            g.writeStringField("state", e.state().wireName());
            g.writeStringField("by", e.by().wireName());
            if (e.contactFrom() != null) {
                g.writeStringField("contact_from", DateTimeFormatter.ISO_INSTANT.format(e.contactFrom()));
            }
            if (e.contactBefore() != null) {
                g.writeStringField("contact_before", DateTimeFormatter.ISO_INSTANT.format(e.contactBefore()));
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
