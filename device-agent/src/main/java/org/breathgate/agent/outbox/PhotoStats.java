package org.breathgate.agent.outbox;

/**
 * Photos kept on the device (waiting to be sent, or for the receiver's answer) and the bytes they take.
 *
 * @param count photos kept
 * @param bytes their JPEG bytes
 */
public record PhotoStats(int count, long bytes) {
}
