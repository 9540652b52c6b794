package org.breathgate.protocol;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * A status heartbeat, and (with {@code online = false}) the device's MQTT last will. Not evidence:
 * it has no sequence number, and the device may coalesce heartbeats that could not be sent.
 *
 * @param deviceId          the device
 * @param clock             clock facts when it was made
 * @param online            false only in the last-will message the broker sends when the device vanishes
 * @param uptimeSeconds     seconds since the agent started
 * @param lastSeq           highest sequence number the device has assigned (0 before the first);
 *                          lets the receiver see readings that have not arrived yet
 * @param outboxDepth       evidence events waiting for the receiver's ack
 * @param outboxBytes       bytes those take on disk
 * @param outboxBudgetBytes the outbox's disk budget
 * @param diskFreeBytes     free bytes on the device's data disk
 * @param sensorState       the breathalyser's state
 * @param calibrationDue    the sensor's calibration due date, or {@code null} if unknown
 * @param agentVersion      the device agent's version
 * @param configVersion     version of the configuration in use (0 for the device's local default)
 * @param warnings          short machine-readable warnings, e.g. {@code outbox_over_80_percent},
 *                          {@code clock_unsynchronised}, {@code disk_low}, {@code camera_fault}
 * @param outboxOldestSeconds how long the oldest event in the outbox has waited for its ack, in seconds (0 when the
 *                          outbox is empty), or {@code null} when the device does not say (devices older than this field)
 */
public record DeviceStatus(
        String deviceId,
        ClockFacts clock,
        boolean online,
        long uptimeSeconds,
        long lastSeq,
        int outboxDepth,
        long outboxBytes,
        long outboxBudgetBytes,
        long diskFreeBytes,
        SensorState sensorState,
        LocalDate calibrationDue,
        String agentVersion,
        long configVersion,
        List<String> warnings,
        Long outboxOldestSeconds) implements DeviceMessage {

    public DeviceStatus {
        DeviceIds.check(deviceId);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sensorState, "sensorState");
        agentVersion = Texts.check("agentVersion", agentVersion, 64);
        if (uptimeSeconds < 0 || lastSeq < 0 || lastSeq > EvidenceEvent.MAX_SEQUENCE || outboxDepth < 0 || outboxBytes < 0
                || outboxBudgetBytes < 0 || diskFreeBytes < 0 || configVersion < 0) {
            throw new IllegalArgumentException("status counters must not be negative");
        }
        warnings = List.copyOf(warnings);
        if (warnings.size() > 32) {
            throw new IllegalArgumentException("at most 32 warnings");
        }
        warnings.forEach(w -> Texts.check("warning", w, 64));
        if (outboxOldestSeconds != null && outboxOldestSeconds < 0) {
            throw new IllegalArgumentException("status counters must not be negative");
        }
    }

    /** A heartbeat that does not say how long its oldest event has waited (as devices older than that field send). */
    public DeviceStatus(String deviceId, ClockFacts clock, boolean online, long uptimeSeconds, long lastSeq, int outboxDepth,
                        long outboxBytes, long outboxBudgetBytes, long diskFreeBytes, SensorState sensorState,
                        LocalDate calibrationDue, String agentVersion, long configVersion, List<String> warnings) {
        this(deviceId, clock, online, uptimeSeconds, lastSeq, outboxDepth, outboxBytes, outboxBudgetBytes, diskFreeBytes,
                sensorState, calibrationDue, agentVersion, configVersion, warnings, null);
    }

    @Override
    public MessageType type() {
        return MessageType.STATUS;
    }
}
