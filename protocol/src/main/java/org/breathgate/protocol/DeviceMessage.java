package org.breathgate.protocol;

/** A message a device sends to the receiver. Each carries the device's clock facts at the time. */
public sealed interface DeviceMessage extends Message permits EvidenceEvent, DeviceStatus, PhotoChunk {

    /** Wall clock, boot id and monotonic time when the message was made. */
    ClockFacts clock();
}
