package org.breathgate.agent.publish;

import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.TestRequest;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.SupportReply;

/**
 * Told of what the receiver sends down besides acks: configurations, replies to support requests, and events
 * it did not accept. Called on the publisher's thread: hand work elsewhere and return quickly.
 */
public interface DownlinkListener {

    /** A configuration whose signature verified; the listener decides whether its version is new. */
    void configReceived(ConfigUpdate config, SignedMessage signed);

    /** A configuration message that failed verification; it was not used. {@code detail} says why. */
    void configRejected(String detail);

    /** A worker's test request whose signature verified; the listener decides whether it is new and still open. */
    default void testRequested(TestRequest request) {
    }

    /** A reply to support requests whose signature verified; the listener decides which of it is news. */
    default void supportReplyReceived(SupportReply reply) {
    }

    /** The receiver quarantined the event numbered {@code seq} (it is now in the dead letters). */
    default void quarantined(long seq) {
    }
}
