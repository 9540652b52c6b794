package org.breathgate.hardware;

/**
 * The parent's side of the device: two buttons, a status light, a buzzer. Built from GPIO pins by
 * {@link Breathalysers#openPanel}, or in memory by {@code org.breathgate.hardware.sim.SoftPanel}.
 */
public interface DevicePanel extends AutoCloseable {
    Buttons buttons();

    StatusLight light();

    Buzzer buzzer();

    /** Turns light and buzzer off, releases pins, stops threads. Idempotent. */
    @Override
    void close();
}
