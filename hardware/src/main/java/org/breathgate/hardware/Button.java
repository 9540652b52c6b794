package org.breathgate.hardware;

/** The device's buttons. */
public enum Button {
    /** "Start test": the parent is ready to blow. */
    START_TEST,
    /** "I need support": always available, whatever the device is doing. */
    SUPPORT
}
