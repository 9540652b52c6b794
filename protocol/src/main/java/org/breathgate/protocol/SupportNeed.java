package org.breathgate.protocol;

import java.util.Locale;

/**
 * What a parent asked for with a {@link SupportRequest}, chosen on the device by buttons and voice.
 * The receiver routes each to its own place; the device says nothing about where.
 */
public enum SupportNeed {
    /** "A worker calls me": for the responsible worker, in the service's hours. */
    CALL_ME,
    /** "I need help now": for the on-call list, at any hour. Also the device's default when no choice was made. */
    HELP_NOW,
    /** "The device has a problem": for the technician. */
    DEVICE_PROBLEM;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
