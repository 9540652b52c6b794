package org.breathgate.hardware;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A serial port.
 *
 * @param path the device path: {@code /dev/ttyUSB0}, a stable {@code /dev/serial/by-id/...} name
 *     (preferred: it survives re-plugging into another USB socket) or a pseudo-terminal link made by
 *     socat. jSerialComm does not list pseudo-terminals, so the path is always given explicitly.
 * @param baudRate one of the standard rates 1200…115200
 * @param nativeLibraryDir a folder holding jSerialComm's native library, already unpacked from its
 *     jar (e.g. {@code Linux/aarch64/libjSerialComm.so}); passed to jSerialComm as
 *     {@code jSerialComm.library.path}. Empty means jSerialComm unpacks the library into the JVM's
 *     temporary folder (then {@code ~/.jSerialComm}), which fails where those are mounted
 *     {@code noexec}, as in a hardened systemd unit. It applies to the whole JVM and only before the
 *     first port is used; a value set on the command line wins. See {@code docs/hardware.md}.
 */
public record SerialPortConfig(String path, int baudRate, Optional<Path> nativeLibraryDir) {

    private static final Set<Integer> RATES = Set.of(1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200);

    public SerialPortConfig {
        Objects.requireNonNull(path, "path");
        if (path.isBlank()) {
            throw new IllegalArgumentException("serial port path must not be blank; give e.g. /dev/serial/by-id/usb-...");
        }
        if (!RATES.contains(baudRate)) {
            throw new IllegalArgumentException("baud rate " + baudRate + " is not one of " + RATES);
        }
        Objects.requireNonNull(nativeLibraryDir, "nativeLibraryDir (use Optional.empty())");
    }

    /** A port at {@code baudRate} with jSerialComm's default native library folder. */
    public static SerialPortConfig of(String path, int baudRate) {
        return new SerialPortConfig(path, baudRate, Optional.empty());
    }
}
