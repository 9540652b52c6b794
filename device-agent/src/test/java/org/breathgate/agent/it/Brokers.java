package org.breathgate.agent.it;

import org.breathgate.testkit.EmbeddedBroker;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.TestBroker;

/** The brokers the agent's integration tests run against, from the testkit. */
final class Brokers {
    private Brokers() {
    }

    /**
     * Mosquitto with persistent sessions (so the test receiver's queued messages survive a restart, as
     * a production receiver's would) and no per-client limits that would slow a 10 000-event drain.
     */
    static TestBroker mosquitto() {
        return MosquittoBroker.start(MosquittoBroker.Options.plain().withPersistence()
                .withConfigLine("max_queued_messages 200000").withConfigLine("max_inflight_messages 0"));
    }

    /** HiveMQ CE in this JVM. */
    static TestBroker embedded() {
        return EmbeddedBroker.start();
    }
}
