package org.breathgate.agent.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The agent's status file: a small JSON object, replaced whole by a rename so a reader never sees
 * half of one. It is not evidence, so it is not flushed to disk (a power cut may lose the last
 * version; the agent rewrites it within seconds of starting).
 */
public final class StatusFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusFile() {
    }

    public static void write(Path file, StatusSnapshot s) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("written_at", s.writtenAt().toString());
        o.put("pid", s.pid());
        o.put("running", s.running());
        o.put("device_id", s.deviceId());
        o.put("version", s.version());
        o.put("broker_uri", s.brokerUri());
        o.put("connected", s.connected());
        o.put("connects", s.connects());
        o.put("last_ack", s.lastAck().map(Instant::toString).orElse(null));
        o.put("in_flight", s.inFlight());
        o.put("sensor_state", s.sensorState());
        o.put("sensor_model", s.sensorModel().orElse(null));
        o.put("sensor_serial", s.sensorSerial().orElse(null));
        o.put("calibration_due", s.calibrationDue().map(LocalDate::toString).orElse(null));
        o.put("clock_synced", s.clockSynced());
        o.put("config_version", s.configVersion());
        ArrayNode w = o.putArray("warnings");
        s.warnings().forEach(w::add);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.writeString(temp, o.toString() + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The last status written, or empty if there is no file (the agent has never run here). */
    public static Optional<StatusSnapshot> read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        JsonNode o = JSON.readTree(text);
        if (o == null || !o.isObject()) {
            throw new IOException(file + " is not a status file");
        }
        List<String> warnings = new ArrayList<>();
        o.path("warnings").forEach(n -> warnings.add(n.asText()));
        try {
            return Optional.of(new StatusSnapshot(Instant.parse(o.path("written_at").asText()), o.path("pid").asLong(),
                    o.path("running").asBoolean(), o.path("device_id").asText(), o.path("version").asText(),
                    o.path("broker_uri").asText(), o.path("connected").asBoolean(), o.path("connects").asLong(),
                    opt(o, "last_ack").map(Instant::parse), o.path("in_flight").asInt(), o.path("sensor_state").asText(),
                    opt(o, "sensor_model"), opt(o, "sensor_serial"), opt(o, "calibration_due").map(LocalDate::parse),
                    o.path("clock_synced").asBoolean(), o.path("config_version").asLong(), warnings));
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a valid status file: " + e.getMessage(), e);
        }
    }

    private static Optional<String> opt(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }
}
