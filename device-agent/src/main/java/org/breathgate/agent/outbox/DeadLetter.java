package org.breathgate.agent.outbox;

/** An event the receiver quarantined, kept on the device with the receiver's reason. */
record DeadLetter(StoredEvent event, String reason) {
}
