package org.breathgate.agent.publish;

import java.time.Instant;

/**
 * What the publisher is doing, for status and the technician CLI.
 *
 * @param connected   whether a broker connection is up
 * @param inFlight    events published and not yet acknowledged by the receiver
 * @param acked       events acknowledged (stored or duplicate) since start
 * @param quarantined events the receiver quarantined since start
 * @param connects    successful connections since start
 * @param lastAck     when the last receiver ack arrived, or null
 */
public record PublisherStats(boolean connected, int inFlight, long acked, long quarantined, long connects, Instant lastAck) {
}
