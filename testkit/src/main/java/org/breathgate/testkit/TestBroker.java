package org.breathgate.testkit;

/** A real MQTT broker a test talks to: Mosquitto as a process, or HiveMQ CE in this JVM. */
public interface TestBroker extends AutoCloseable {

    /** Where to connect, e.g. {@code tcp://127.0.0.1:PORT}. */
    String uri();

    /** Stops the broker, keeping its port and (where it has any) its persistence. */
    void stop();

    /** Starts it again on the same port. */
    void restart();

    /** Stops it and removes what it left behind. */
    @Override
    void close();
}
