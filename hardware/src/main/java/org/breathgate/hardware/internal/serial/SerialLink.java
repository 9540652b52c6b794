package org.breathgate.hardware.internal.serial;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.SerialPortConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serial port through jSerialComm, with the lessons of using it on Linux built in: the port is
 * opened by path (pseudo-terminal links included), buffers are flushed after opening, reads wait at
 * most one short slice so callers can loop towards their own deadlines, and a vanished port is
 * detected from read errors or its device node disappearing ({@code isOpen()} stays true after the
 * far end is gone). Reading and writing may happen on different threads.
 */
public final class SerialLink implements AutoCloseable {

    /** System property jSerialComm reads for where its native library goes. */
    static final String NATIVE_DIR_PROPERTY = "jSerialComm.library.path";
    private static final Logger log = LoggerFactory.getLogger(SerialLink.class);

    private final SerialPortConfig config;
    private final int readSliceMillis;
    private final Object writeLock = new Object();
    private volatile SerialPort port;

    /**
     * @param readSlice the longest one {@link #read} waits; keep it short (tens to hundreds of ms)
     *     so loops notice deadlines and closing
     */
    public SerialLink(SerialPortConfig config, Duration readSlice) {
        this.config = Objects.requireNonNull(config, "config");
        long millis = readSlice.toMillis();
        if (millis < 1 || millis > 20_000) {
            throw new IllegalArgumentException("read slice must be 1 ms..20 s (jSerialComm caps timeouts near 25 s): " + readSlice);
        }
        this.readSliceMillis = (int) millis;
    }

    public String path() {
        return config.path();
    }

    /** Opens the port, or does nothing if it is open. */
    public synchronized void open() throws DeviceDisconnectedException {
        if (port != null) {
            return;
        }
        useNativeLibraryDir(config.nativeLibraryDir());
        if (!Files.exists(Path.of(config.path()))) {
            throw new DeviceDisconnectedException("serial port " + config.path()
                    + " does not exist: check the cable and the configured path (ls -l /dev/serial/by-id/)");
        }
        SerialPort candidate;
        try {
            candidate = SerialPort.getCommPort(config.path());
        } catch (SerialPortInvalidPortException e) {
            throw new DeviceDisconnectedException("serial port " + config.path() + " is not usable: " + e.getMessage(), e);
        }
        candidate.setComPortParameters(config.baudRate(), 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        candidate.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        candidate.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING,
                readSliceMillis, 2000);
        if (!candidate.openPort()) {
            throw new DeviceDisconnectedException("could not open serial port " + config.path() + " (error "
                    + candidate.getLastErrorCode() + "): check it exists and this user is in the dialout group");
        }
        candidate.flushIOBuffers();
        port = candidate;
        log.debug("Opened serial port {} at {} baud", config.path(), config.baudRate());
    }

    public boolean isOpen() {
        return port != null;
    }

    /**
     * Reads what has arrived, waiting at most the read slice.
     *
     * @return bytes read; 0 if nothing came in the slice
     * @throws DeviceDisconnectedException if the port is closed, fails or has vanished; the link is
     *     then closed and may be {@link #open}ed again
     */
    public int read(byte[] buffer) throws DeviceDisconnectedException {
        SerialPort p = port;
        if (p == null) {
            throw new DeviceDisconnectedException("serial port " + config.path() + " is not open");
        }
        int n = p.readBytes(buffer, buffer.length);
        if (n < 0) {
            throw lost("read failed (error " + p.getLastErrorCode() + ")");
        }
        if (n == 0 && !Files.exists(Path.of(config.path()))) {
            throw lost("its device node disappeared");
        }
        return n;
    }

    /** Writes all of {@code data}. */
    public void write(byte[] data) throws DeviceDisconnectedException {
        SerialPort p = port;
        if (p == null) {
            throw new DeviceDisconnectedException("serial port " + config.path() + " is not open");
        }
        synchronized (writeLock) {
            int written = p.writeBytes(data, data.length);
            if (written != data.length) {
                throw lost("write failed (" + written + " of " + data.length + " bytes, error " + p.getLastErrorCode() + ")");
            }
        }
    }

    private DeviceDisconnectedException lost(String why) {
        close();
        return new DeviceDisconnectedException("serial port " + config.path() + " was lost: " + why
                + "; check the cable, it is reopened when it comes back");
    }

    @Override
    public synchronized void close() {
        SerialPort p = port;
        port = null;
        if (p != null) {
            p.closePort();
            log.debug("Closed serial port {}", config.path());
        }
    }

    /**
     * Real serial ports the operating system lists, as paths, for a setup tool. Pseudo-terminals are
     * not listed; prefer the stable names under {@code /dev/serial/by-id/} when configuring.
     */
    public static List<String> listPorts() {
        return Arrays.stream(SerialPort.getCommPorts()).map(SerialPort::getSystemPortPath).sorted().toList();
    }

    private static synchronized void useNativeLibraryDir(Optional<Path> dir) throws DeviceDisconnectedException {
        if (dir.isEmpty() || System.getProperty(NATIVE_DIR_PROPERTY) != null) {
            return;
        }
        try {
            Files.createDirectories(dir.get());
        } catch (IOException e) {
            throw new DeviceDisconnectedException("cannot create jSerialComm native library folder " + dir.get() + ": " + e, e);
        }
        System.setProperty(NATIVE_DIR_PROPERTY, dir.get().toAbsolutePath().toString());
    }
}
