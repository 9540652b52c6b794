package org.breathgate.agent.it;

import java.nio.file.Path;
import org.breathgate.testkit.EmbeddedBroker;
import org.breathgate.testkit.MosquittoBroker;

/** The brokers the agent's integration tests run against, from the testkit, behind one small interface. */
final class Brokers {
    private Brokers() {
    }

    /**
     * Mosquitto with persistent sessions (so the test receiver's queued messages survive a restart, as
     * a production receiver's would) and no per-client limits that would slow a 10 000-event drain.
     */
    static Broker mosquitto(Path unused) {
        MosquittoBroker b = MosquittoBroker.start(MosquittoBroker.Options.plain().withPersistence()
                .withConfigLine("max_queued_messages 200000").withConfigLine("max_inflight_messages 0"));
        return new Broker() {
            @Override
            public String uri() {
                return b.uri();
            }

            @Override
            public void stop() {
                b.stop();
            }

            @Override
            public void start() {
                b.restart();
            }

            @Override
            public void close() {
                b.close();
            }
        };
    }

    /** HiveMQ CE in this JVM. */
    static Broker embedded() {
        EmbeddedBroker b = EmbeddedBroker.start();
        return new Broker() {
            @Override
            public String uri() {
                return b.uri();
            }

            @Override
            public void stop() {
                b.stop();
            }

            @Override
            public void start() {
                b.restart();
            }

            @Override
            public void close() {
                b.close();
            }
        };
    }
}
