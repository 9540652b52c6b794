package org.breathgate.receiver.web.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which reverse proxies may tell the receiver a client's address ({@code web.trusted-proxies}): addresses and CIDR ranges
 * ({@code 10.0.0.5}, {@code 10.0.0.0/24}, {@code ::1}, {@code fd00::/8}). Behind one of them the client's address is the
 * right-most {@code X-Forwarded-For} entry that is not itself a trusted proxy; a request from anyone else is taken at its
 * own address and its {@code X-Forwarded-For} ignored, so nobody can claim another address by sending the header.
 */
public final class TrustedProxies {

    /** No proxy trusted: every request is taken at its connection's address. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    private record Range(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int bits = prefix;
            for (int i = 0; i < address.length && bits > 0; i++, bits -= 8) {
                int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
                if ((address[i] & mask) != (network[i] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Range> ranges;
    private final List<String> written;

    private TrustedProxies(List<String> written) {
        this.written = List.copyOf(written);
        List<Range> parsed = new ArrayList<>();
        for (String entry : written) {
            parsed.add(parse(entry));
        }
        this.ranges = List.copyOf(parsed);
    }

    /**
     * @param entries addresses and CIDR ranges, literal (no host names: a name could resolve to anything later)
     * @throws IllegalArgumentException naming the entry that is not an address or range
     */
    public static TrustedProxies of(List<String> entries) {
        return new TrustedProxies(Objects.requireNonNull(entries, "entries"));
    }

    /** The entries as configured. */
    public List<String> entries() {
        return written;
    }

    /** Whether {@code address} (a literal) is a trusted proxy. */
    public boolean trusts(String address) {
        byte[] bytes = literal(address);
        return bytes != null && ranges.stream().anyMatch(r -> r.contains(bytes));
    }

    /**
     * The client's address: {@code peer} (the connection's), unless {@code peer} is a trusted proxy, then the right-most
     * entry of {@code forwardedFor} that is not a trusted proxy (the left-most when all are).
     */
    public String client(String peer, List<String> forwardedFor) {
        if (peer == null || !trusts(peer) || forwardedFor == null || forwardedFor.isEmpty()) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String part : header.split(",")) {
                String hop = part.strip();
                if (!hop.isEmpty()) {
                    hops.add(hop);
                }
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = stripPort(hops.get(i));
            if (literal(hop) == null) {
                return peer; // not an address: the header was not written by our proxy chain
            }
            if (!trusts(hop)) {
                return hop;
            }
        }
        return hops.isEmpty() ? peer : stripPort(hops.get(0));
    }

    private static String stripPort(String hop) {
        if (hop.startsWith("[") && hop.contains("]")) {
            return hop.substring(1, hop.indexOf(']'));
        }
        int colon = hop.indexOf(':');
        return colon > 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }

    private static Range parse(String entry) {
        String e = entry.strip().toLowerCase(Locale.ROOT);
        int slash = e.indexOf('/');
        byte[] network = literal(slash < 0 ? e : e.substring(0, slash));
        if (network == null) {
            throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range (like 10.0.0.5 or 10.0.0.0/24)");
        }
        int prefix = network.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(e.substring(slash + 1));
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("'" + entry + "' has no prefix length after '/'");
            }
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0-" + network.length * 8);
            }
        }
        return new Range(network, prefix);
    }

    /** The bytes of an IPv4 or IPv6 literal, or {@code null} if {@code s} is not one (never a DNS lookup). */
    static byte[] literal(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) {
            return null;
        }
        boolean v4 = s.chars().allMatch(c -> Character.isDigit(c) || c == '.') && s.chars().filter(c -> c == '.').count() == 3;
        boolean v6 = s.contains(":") && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return written.toString();
    }
}
