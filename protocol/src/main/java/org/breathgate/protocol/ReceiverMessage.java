package org.breathgate.protocol;

/** A message the receiver sends down to one device; signed with the receiver's key. */
public sealed interface ReceiverMessage extends Message permits Ack, ConfigUpdate, SupportReply, TestRequest {
}
