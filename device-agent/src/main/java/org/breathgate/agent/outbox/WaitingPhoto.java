package org.breathgate.agent.outbox;

/**
 * A photo waiting to be sent.
 *
 * @param seq       its reading's sequence number
 * @param sha256    the hash its reading signed
 * @param size      its size in bytes
 * @param nextChunk the chunk sending has reached (durable, so a restart goes on from there)
 */
public record WaitingPhoto(long seq, String sha256, int size, int nextChunk) {
}
