package org.breathgate.agent.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.breathgate.testkit.TcpProxy;

/**
 * Counts the MQTT 3.1.1 packets on a plain (not TLS) connection through a {@link TcpProxy}, by what they are
 * for: setting up a connection (CONNECT with its will, CONNACK, SUBSCRIBE, SUBACK, DISCONNECT), readings
 * and other evidence (PUBLISH on {@code up/<type>} and its PUBACK), heartbeats ({@code up/status}), the
 * receiver's acks ({@code down/ack}), configuration ({@code down/config}), photos and keep-alive pings. A PUBACK
 * counts for the publish it answers.
 */
final class MqttTally implements TcpProxy.Tap {

    /** Bytes and packets of one category, each way. */
    static final class Count {
        long bytesUp;
        long bytesDown;
        long packetsUp;
        long packetsDown;

        long bytes() {
            return bytesUp + bytesDown;
        }

        long packets() {
            return packetsUp + packetsDown;
        }
    }

    private final Map<String, ByteArrayOutputStream> streams = new HashMap<>();
    private final Map<String, String> pending = new HashMap<>(); // connection/direction/packet id -> category
    private final Map<String, Count> counts = new TreeMap<>();

    @Override
    public synchronized void bytes(boolean up, long connection, byte[] buffer, int offset, int length) {
        String key = connection + (up ? "/up" : "/down");
        ByteArrayOutputStream s = streams.computeIfAbsent(key, k -> new ByteArrayOutputStream());
        s.write(buffer, offset, length);
        byte[] b = s.toByteArray();
        int at = 0;
        while (true) {
            int packet = packetLength(b, at);
            if (packet < 0 || at + packet > b.length) {
                break;
            }
            packet(up, connection, b, at, packet);
            at += packet;
        }
        s.reset();
        s.write(b, at, b.length - at);
    }

    /** Totals by category so far, copied. */
    synchronized Map<String, Count> counts() {
        Map<String, Count> copy = new TreeMap<>();
        counts.forEach((k, v) -> {
            Count c = new Count();
            c.bytesUp = v.bytesUp;
            c.bytesDown = v.bytesDown;
            c.packetsUp = v.packetsUp;
            c.packetsDown = v.packetsDown;
            copy.put(k, c);
        });
        return copy;
    }

    /** Fixed header plus remaining length, or -1 if the bytes so far do not say yet. */
    private static int packetLength(byte[] b, int at) {
        int remaining = 0;
        int multiplier = 1;
        for (int i = 1; i <= 4; i++) {
            if (at + i >= b.length) {
                return -1;
            }
            int digit = b[at + i] & 0xff;
            remaining += (digit & 0x7f) * multiplier;
            if ((digit & 0x80) == 0) {
                return 1 + i + remaining;
            }
            multiplier *= 128;
        }
        throw new IllegalStateException("not MQTT: a remaining length longer than 4 bytes");
    }

    private void packet(boolean up, long connection, byte[] b, int at, int length) {
        int type = (b[at] >> 4) & 0xf;
        int header = 1;
        while ((b[at + header] & 0x80) != 0) {
            header++;
        }
        header++;
        int v = at + header; // variable header
        String category;
        switch (type) {
            case 3 -> { // PUBLISH
                int qos = (b[at] >> 1) & 3;
                int topicLength = u16(b, v);
                String topic = new String(b, v + 2, topicLength, StandardCharsets.UTF_8);
                category = topic.contains("/up/status") ? "heartbeats" : topic.contains("/up/photo") ? "photos"
                        : topic.contains("/up/") ? "readings and other evidence" : topic.contains("/down/ack") ? "receiver acks"
                        : topic.contains("/down/config") ? "configuration" : "other";
                if (qos > 0) {
                    pending.put(connection + (up ? "/up/" : "/down/") + u16(b, v + 2 + topicLength), category);
                }
            }
            case 4 -> // PUBACK: counts for the publish it answers, which went the other way
                    category = pending.getOrDefault(connection + (up ? "/down/" : "/up/") + u16(b, v), "other");
            case 12, 13 -> category = "keep-alive pings";
            default -> category = "connection set-up (CONNECT with its will, SUBSCRIBE, and answers)";
        }
        Count c = counts.computeIfAbsent(category, k -> new Count());
        if (up) {
            c.bytesUp += length;
            c.packetsUp++;
        } else {
            c.bytesDown += length;
            c.packetsDown++;
        }
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }
}
