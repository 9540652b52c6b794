package org.breathgate.agent.publish;

import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.TestRequest;
import org.breathgate.protocol.SignedMessage;

/**
 * Told of configuration messages from the receiver. Called on the publisher's thread: hand work
 * elsewhere and return quickly.
 */
public interface DownlinkListener {

    /** A configuration whose signature verified; the listener decides whether its version is new. */
    void configReceived(ConfigUpdate config, SignedMessage signed);

    /** A configuration message that failed verification; it was not used. {@code detail} says why. */
    void configRejected(String detail);

    /** A worker's test request whose signature verified; the listener decides whether it is new and still open. */
    default void testRequested(TestRequest request) {
    }
}
