package org.breathgate.agent;

import java.util.List;
import java.util.Optional;
import org.breathgate.agent.outbox.OutboxStats;
import org.breathgate.agent.publish.PublisherStats;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SensorState;

/**
 * A snapshot of the agent for the technician CLI and the demo.
 *
 * @param deviceId      this device
 * @param outbox        outbox depth, bytes, budget and last sequence number
 * @param publisher     connection and ack counters
 * @param sensorState   the breathalyser's state
 * @param configVersion version of the receiver configuration in use (0: the local file's)
 * @param lastReading   the newest reading stored, if any
 * @param warnings      the warnings the next status heartbeat will carry
 */
public record AgentStatus(String deviceId, OutboxStats outbox, PublisherStats publisher, SensorState sensorState,
                          long configVersion, Optional<Reading> lastReading, List<String> warnings) {
    public AgentStatus {
        warnings = List.copyOf(warnings);
    }
}
