package org.breathgate.hardware;

import java.time.Duration;
import java.util.Objects;

/**
 * A breathalyser speaking the Breathgate ASCII line protocol ({@code docs/hardware.md}).
 *
 * @param port the serial port
 * @param replyTimeout how long to wait for the answer to one command before resending it; 1 s by
 *     default, generous for a microcontroller that answers in milliseconds
 * @param attempts how many times a command is sent before giving up; 3 by default, so a line hit by
 *     noise is retried without a long wait
 * @param silenceTimeout during a test, how long the device may say nothing (it is asked for its
 *     status half-way) before it is declared gone; 5 s by default
 * @param reconnectInterval how often a vanished port is looked for again; 1 s by default
 */
public record LineProtocolConfig(SerialPortConfig port, Duration replyTimeout, int attempts, Duration silenceTimeout,
                                 Duration reconnectInterval) implements BreathalyserConfig {

    public LineProtocolConfig {
        Objects.requireNonNull(port, "port");
        requirePositive(replyTimeout, "replyTimeout");
        requirePositive(silenceTimeout, "silenceTimeout");
        requirePositive(reconnectInterval, "reconnectInterval");
        if (attempts < 1 || attempts > 10) {
            throw new IllegalArgumentException("attempts must be 1..10: " + attempts);
        }
        if (silenceTimeout.compareTo(replyTimeout) < 0) {
            throw new IllegalArgumentException("silenceTimeout (" + silenceTimeout + ") must be at least replyTimeout ("
                    + replyTimeout + ")");
        }
    }

    /** The defaults described above, at 9600 baud. */
    public static LineProtocolConfig defaults(String portPath) {
        return new LineProtocolConfig(SerialPortConfig.of(portPath, 9600), Duration.ofSeconds(1), 3, Duration.ofSeconds(5),
                Duration.ofSeconds(1));
    }

    static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
