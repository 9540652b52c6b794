package org.breathgate.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A light MQTT 3.1.1 client for benchmarks and load tests: many connections served by a few
 * non-blocking I/O threads, so that a thousand simulated devices (or a raw baseline fast enough
 * not to be the bottleneck) fit in one test JVM. Paho needs several threads per connection.
 *
 * <p>What it does: CONNECT (clean or persistent session, user and password), SUBSCRIBE, QoS 0 and 1
 * PUBLISH both ways; incoming QoS 1 messages are PUBACKed at once, after the listener has seen them.
 * Outgoing messages are queued per connection and sent with a window of unacknowledged QoS 1
 * publishes, as the agent's outbox drains. No keep-alive (0), no QoS 2, no retained messages, no
 * redelivery of its own: a benchmark client, not a device.
 */
public final class LightMqtt implements AutoCloseable {

    /** What a connection hears. Called on an I/O thread: keep it short, never block. */
    public interface Listener {
        /** A message arrived on a subscription (already to be PUBACKed if QoS 1). */
        default void message(Connection connection, String topic, byte[] payload) {
        }

        /** The broker PUBACKed one of this connection's QoS 1 publishes. */
        default void published(Connection connection) {
        }

        /** The connection ended (closed by either side); {@code cause} null if closed by us. */
        default void closed(Connection connection, Throwable cause) {
        }
    }

    private final List<IoThread> threads = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    private LightMqtt(int ioThreads, String name) {
        for (int i = 0; i < ioThreads; i++) {
            IoThread thread = new IoThread(name + "-io-" + i);
            threads.add(thread);
            thread.start();
        }
    }

    /** Starts {@code ioThreads} I/O threads named after {@code name}. */
    public static LightMqtt start(int ioThreads, String name) {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be at least 1");
        }
        return new LightMqtt(ioThreads, name);
    }

    /**
     * Connects (blocking until the CONNACK) to {@code brokerUri} ({@code tcp://host:port}).
     *
     * @param username null for none
     * @throws IOException if the broker cannot be reached or refuses the connection
     */
    public Connection connect(String brokerUri, String clientId, String username, String password, boolean cleanSession,
                              Listener listener) throws IOException {
        URI uri = URI.create(brokerUri);
        if (!"tcp".equals(uri.getScheme())) {
            throw new IllegalArgumentException("LightMqtt speaks plain tcp:// only, not " + brokerUri);
        }
        SocketChannel channel = SocketChannel.open();
        try {
            channel.socket().setTcpNoDelay(true);
            channel.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
            channel.write(ByteBuffer.wrap(connectPacket(clientId, username, password, cleanSession)));
            ByteBuffer connack = ByteBuffer.allocate(4);
            while (connack.hasRemaining()) {
                if (channel.read(connack) < 0) {
                    throw new IOException("the broker closed the connection before its CONNACK (client " + clientId + ")");
                }
            }
            if ((connack.get(0) & 0xff) != 0x20 || connack.get(3) != 0) {
                throw new IOException("the broker refused client " + clientId + ": CONNACK return code " + connack.get(3));
            }
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        IoThread thread = threads.get(Math.floorMod(next.getAndIncrement(), threads.size()));
        Connection connection = new Connection(clientId, channel, listener, thread);
        thread.register(connection);
        return connection;
    }

    @Override
    public void close() {
        for (IoThread thread : threads) {
            thread.shutdown();
        }
        for (IoThread thread : threads) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One MQTT connection. Its methods may be called from any thread. */
    public static final class Connection implements AutoCloseable {
        private final String clientId;
        private final SocketChannel channel;
        private final Listener listener;
        private final IoThread io;
        /** Packets ready for the wire (control packets, PUBACKs, windowed publishes). */
        private final Queue<byte[]> out = new ConcurrentLinkedQueue<>();
        /** QoS 1 publishes waiting for room in the window. */
        private final Queue<byte[]> waiting = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean dirty = new AtomicBoolean();
        private final AtomicInteger inflight = new AtomicInteger();
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong acked = new AtomicLong();
        private final AtomicLong received = new AtomicLong();
        private volatile int window = Integer.MAX_VALUE;
        private volatile boolean open = true;
        private int packetId; // I/O thread only
        private ByteBuffer pendingWrite; // I/O thread only
        private ByteBuffer in = ByteBuffer.allocate(16 * 1024); // I/O thread only
        private SelectionKey key;

        private Connection(String clientId, SocketChannel channel, Listener listener, IoThread io) {
            this.clientId = clientId;
            this.channel = channel;
            this.listener = listener == null ? new Listener() { } : listener;
            this.io = io;
        }

        public String clientId() {
            return clientId;
        }

        /** QoS 1 publishes on the wire unacknowledged at most (default: no limit). */
        public Connection window(int window) {
            if (window < 1) {
                throw new IllegalArgumentException("window must be at least 1");
            }
            this.window = window;
            io.markDirty(this);
            return this;
        }

        /** Subscribes at QoS 1; the SUBACK is not awaited (messages may follow it at once). */
        public void subscribe(String filter) {
            byte[] topic = filter.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(0);
            body.write(1); // packet id 1: not used for publishes before the first publish wraps
            writeString(body, topic);
            body.write(1);
            send(packet(0x82, body.toByteArray()));
        }

        /** Queues a publish; QoS 1 ones go on the wire as the window allows. */
        public void publish(String topic, byte[] payload, int qos) {
            if (qos != 0 && qos != 1) {
                throw new IllegalArgumentException("QoS 0 or 1 only");
            }
            byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
            int variable = 2 + topicBytes.length + (qos == 1 ? 2 : 0);
            byte[] header = fixedHeader(0x30 | (qos << 1), variable + payload.length);
            byte[] packet = new byte[header.length + variable + payload.length];
            System.arraycopy(header, 0, packet, 0, header.length);
            int p = header.length;
            packet[p++] = (byte) (topicBytes.length >> 8);
            packet[p++] = (byte) topicBytes.length;
            System.arraycopy(topicBytes, 0, packet, p, topicBytes.length);
            p += topicBytes.length + (qos == 1 ? 2 : 0); // the packet id is filled in by the I/O thread
            System.arraycopy(payload, 0, packet, p, payload.length);
            if (qos == 0) {
                send(packet);
            } else {
                waiting.add(packet);
                io.markDirty(this);
            }
        }

        /** QoS 1 publishes sent so far. */
        public long sent() {
            return sent.get();
        }

        /** QoS 1 publishes the broker has PUBACKed. */
        public long acked() {
            return acked.get();
        }

        /** Messages received on subscriptions. */
        public long received() {
            return received.get();
        }

        public boolean isOpen() {
            return open;
        }

        /** Sends DISCONNECT and closes. */
        @Override
        public void close() {
            if (open) {
                send(new byte[]{(byte) 0xe0, 0});
                io.closeLater(this);
            }
        }

        private void send(byte[] packet) {
            out.add(packet);
            io.markDirty(this);
        }

        /** I/O thread: moves windowed publishes to the wire queue, numbering them. */
        private void release() {
            while (inflight.get() < window) {
                byte[] packet = waiting.poll();
                if (packet == null) {
                    return;
                }
                int idAt = publishIdOffset(packet);
                packetId = packetId == 65_535 ? 2 : packetId + 1;
                if (packetId == 1) {
                    packetId = 2;
                }
                packet[idAt] = (byte) (packetId >> 8);
                packet[idAt + 1] = (byte) packetId;
                inflight.incrementAndGet();
                sent.incrementAndGet();
                out.add(packet);
            }
        }

        /** I/O thread: writes what it can; true if everything queued went out. */
        private boolean flush() throws IOException {
            release();
            while (true) {
                if (pendingWrite == null) {
                    pendingWrite = gather();
                    if (pendingWrite == null) {
                        return true;
                    }
                }
                channel.write(pendingWrite);
                if (pendingWrite.hasRemaining()) {
                    return false;
                }
                pendingWrite = null;
            }
        }

        private ByteBuffer gather() {
            byte[] first = out.poll();
            if (first == null) {
                return null;
            }
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(Math.max(first.length, 64 * 1024));
            buffer.writeBytes(first);
            byte[] more;
            while (buffer.size() < 64 * 1024 && (more = out.poll()) != null) {
                buffer.writeBytes(more);
            }
            return ByteBuffer.wrap(buffer.toByteArray());
        }

        /** I/O thread: reads and handles whole packets; false at end of stream. */
        private boolean read() throws IOException {
            int n = channel.read(in);
            if (n < 0) {
                return false;
            }
            in.flip();
            while (true) {
                int start = in.position();
                if (in.remaining() < 2) {
                    break;
                }
                int type = in.get() & 0xff;
                int length = 0;
                int multiplier = 1;
                boolean complete = false;
                for (int i = 0; i < 4 && in.hasRemaining(); i++) {
                    int b = in.get() & 0xff;
                    length += (b & 0x7f) * multiplier;
                    multiplier *= 128;
                    if ((b & 0x80) == 0) {
                        complete = true;
                        break;
                    }
                }
                if (!complete || in.remaining() < length) {
                    in.position(start);
                    if (complete && in.capacity() < length + 5) {
                        ByteBuffer bigger = ByteBuffer.allocate(length + 5 + 16 * 1024);
                        bigger.put(in);
                        in = bigger;
                        return true;
                    }
                    break;
                }
                byte[] body = new byte[length];
                in.get(body);
                handle(type, body);
            }
            in.compact();
            return true;
        }

        private void handle(int type, byte[] body) {
            switch (type >> 4) {
                case 3 -> { // PUBLISH
                    int qos = (type >> 1) & 3;
                    int topicLength = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
                    String topic = new String(body, 2, topicLength, StandardCharsets.UTF_8);
                    int p = 2 + topicLength;
                    int id = 0;
                    if (qos > 0) {
                        id = ((body[p] & 0xff) << 8) | (body[p + 1] & 0xff);
                        p += 2;
                    }
                    byte[] payload = new byte[body.length - p];
                    System.arraycopy(body, p, payload, 0, payload.length);
                    received.incrementAndGet();
                    listener.message(this, topic, payload);
                    if (qos == 1) {
                        out.add(new byte[]{0x40, 2, (byte) (id >> 8), (byte) id});
                    }
                }
                case 4 -> { // PUBACK
                    inflight.decrementAndGet();
                    acked.incrementAndGet();
                    listener.published(this);
                }
                default -> {
                    // SUBACK, PINGRESP: nothing to do
                }
            }
        }

        private void closed(Throwable cause) {
            if (!open) {
                return;
            }
            open = false;
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            listener.closed(this, cause);
        }
    }

    private static final class IoThread extends Thread {
        private final Selector selector;
        private final Queue<Connection> registrations = new ConcurrentLinkedQueue<>();
        private final Queue<Connection> dirty = new ConcurrentLinkedQueue<>();
        private final Queue<Connection> closing = new ConcurrentLinkedQueue<>();
        private volatile boolean running = true;

        IoThread(String name) {
            super(name);
            setDaemon(true);
            try {
                selector = Selector.open();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void register(Connection connection) {
            registrations.add(connection);
            selector.wakeup();
        }

        void markDirty(Connection connection) {
            if (connection.dirty.compareAndSet(false, true)) {
                dirty.add(connection);
                selector.wakeup();
            }
        }

        void closeLater(Connection connection) {
            closing.add(connection);
            selector.wakeup();
        }

        void shutdown() {
            running = false;
            selector.wakeup();
        }

        @Override
        public void run() {
            List<Connection> all = new ArrayList<>();
            try {
                while (running) {
                    selector.select(100);
                    Connection c;
                    while ((c = registrations.poll()) != null) {
                        try {
                            c.key = c.channel.register(selector, SelectionKey.OP_READ, c);
                            all.add(c);
                            c.dirty.set(true);
                            dirty.add(c);
                        } catch (IOException e) {
                            c.closed(e);
                        }
                    }
                    for (SelectionKey key : selector.selectedKeys()) {
                        Connection connection = (Connection) key.attachment();
                        try {
                            if (key.isValid() && key.isReadable() && !connection.read()) {
                                connection.closed(new IOException("the broker closed the connection"));
                                continue;
                            }
                            if (key.isValid() && (key.isWritable() || !connection.out.isEmpty() || !connection.waiting.isEmpty())) {
                                writeOut(connection);
                            }
                        } catch (IOException | RuntimeException e) {
                            connection.closed(e);
                        }
                    }
                    selector.selectedKeys().clear();
                    Queue<Connection> again = new ArrayDeque<>();
                    while ((c = dirty.poll()) != null) {
                        c.dirty.set(false);
                        if (c.key == null) {
                            again.add(c); // not registered yet
                            continue;
                        }
                        try {
                            if (c.open) {
                                writeOut(c);
                            }
                        } catch (IOException | RuntimeException e) {
                            c.closed(e);
                        }
                    }
                    for (Connection later : again) {
                        markDirty(later);
                    }
                    while ((c = closing.poll()) != null) {
                        try {
                            if (c.open) {
                                c.flush();
                            }
                        } catch (IOException ignored) {
                            // closing anyway
                        }
                        c.closed(null);
                    }
                }
            } catch (IOException | RuntimeException e) {
                for (Connection c : all) {
                    c.closed(e);
                }
            } finally {
                for (Connection c : all) {
                    c.closed(null);
                }
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // stopping
                }
            }
        }

        private void writeOut(Connection connection) throws IOException {
            if (!connection.open) {
                return;
            }
            boolean done = connection.flush();
            int ops = done ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE;
            if (connection.key.interestOps() != ops) {
                connection.key.interestOps(ops);
            }
        }
    }

    private static int publishIdOffset(byte[] packet) {
        int p = 1;
        while ((packet[p] & 0x80) != 0) {
            p++;
        }
        p++;
        int topicLength = ((packet[p] & 0xff) << 8) | (packet[p + 1] & 0xff);
        return p + 2 + topicLength;
    }

    private static byte[] connectPacket(String clientId, String username, String password, boolean cleanSession) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT".getBytes(StandardCharsets.US_ASCII));
        body.write(4);
        int flags = (cleanSession ? 0x02 : 0) | (username != null ? 0x80 : 0) | (password != null ? 0x40 : 0);
        body.write(flags);
        body.write(0);
        body.write(0); // keep-alive 0: none
        writeString(body, clientId.getBytes(StandardCharsets.UTF_8));
        if (username != null) {
            writeString(body, username.getBytes(StandardCharsets.UTF_8));
        }
        if (password != null) {
            writeString(body, password.getBytes(StandardCharsets.UTF_8));
        }
        return packet(0x10, body.toByteArray());
    }

    private static void writeString(ByteArrayOutputStream out, byte[] bytes) {
        out.write(bytes.length >> 8);
        out.write(bytes.length);
        out.writeBytes(bytes);
    }

    private static byte[] packet(int type, byte[] body) {
        byte[] header = fixedHeader(type, body.length);
        byte[] packet = new byte[header.length + body.length];
        System.arraycopy(header, 0, packet, 0, header.length);
        System.arraycopy(body, 0, packet, header.length, body.length);
        return packet;
    }

    private static byte[] fixedHeader(int type, int remaining) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(5);
        out.write(type);
        do {
            int digit = remaining % 128;
            remaining /= 128;
            out.write(remaining > 0 ? digit | 0x80 : digit);
        } while (remaining > 0);
        return out.toByteArray();
    }
}
