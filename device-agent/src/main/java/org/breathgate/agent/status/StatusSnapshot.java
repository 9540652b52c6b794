package org.breathgate.agent.status;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the running agent last reported about itself in its status file, for
 * {@code breathgate-agent status} and {@code doctor}.
 *
 * @param writtenAt      when the agent wrote it (it rewrites it every few seconds while running)
 * @param pid            the agent's process id
 * @param running        false once the agent has stopped cleanly
 * @param deviceId       the device
 * @param version        the agent's version
 * @param brokerUri      the broker it talks to
 * @param connected      whether it is connected to the broker
 * @param connects       successful connections since start
 * @param lastAck        when the receiver last acknowledged something
 * @param inFlight       events sent and not yet acknowledged
 * @param sensorState    the breathalyser's state (wire name: ready, warming_up, disconnected, ...)
 * @param sensorModel    the breathalyser's model, once it has been opened
 * @param sensorSerial   its serial number
 * @param calibrationDue its calibration due date, if known
 * @param clockSynced    whether the wall clock is synchronised
 * @param configVersion  the receiver configuration in use (0: the local file's)
 * @param warnings       the warnings of the next heartbeat
 */
public record StatusSnapshot(Instant writtenAt, long pid, boolean running, String deviceId, String version, String brokerUri,
                             boolean connected, long connects, Optional<Instant> lastAck, int inFlight, String sensorState,
                             Optional<String> sensorModel, Optional<String> sensorSerial, Optional<LocalDate> calibrationDue,
                             boolean clockSynced, long configVersion, List<String> warnings) {
    public StatusSnapshot {
        Objects.requireNonNull(writtenAt, "writtenAt");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(brokerUri, "brokerUri");
        Objects.requireNonNull(lastAck, "lastAck");
        Objects.requireNonNull(sensorState, "sensorState");
        Objects.requireNonNull(sensorModel, "sensorModel");
        Objects.requireNonNull(sensorSerial, "sensorSerial");
        Objects.requireNonNull(calibrationDue, "calibrationDue");
        warnings = List.copyOf(warnings);
    }

    /** Whether the process that wrote this is still alive and has not said it stopped. */
    public boolean alive() {
        return running && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
