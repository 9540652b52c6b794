package org.breathgate.agent.it;

/** The broker a test talks to, with the restart the outage test needs. */
interface Broker extends AutoCloseable {
    String uri();

    void stop();

    void start();

    @Override
    void close();
}
