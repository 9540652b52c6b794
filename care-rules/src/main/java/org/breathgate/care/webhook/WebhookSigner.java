package org.breathgate.care.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Signs webhook bodies so a case-management system can tell a genuine Breathgate delivery from a
 * forged or replayed one.
 *
 * <p>Header {@value #HEADER}: {@code t=<unix seconds>,v1=<hex HMAC-SHA256>}, where the HMAC key is the
 * shared secret and the message is the ASCII decimal timestamp, a full stop, and the exact body bytes:
 * {@code HMAC-SHA256(secret, t + "." + body)}. A receiver recomputes it, compares in constant time,
 * and refuses timestamps more than a few minutes from its own clock. During a secret rotation the
 * header may carry several {@code v1=} values; any one matching is enough. Unknown keys are ignored,
 * so later versions can add schemes.
 */
public final class WebhookSigner {

    /** The HTTP header that carries the signature. */
    public static final String HEADER = "Breathgate-Signature";

    /** Five minutes: room for clock drift and a slow delivery, too short for a useful replay. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    /** Shortest secret accepted: 32 bytes, the HMAC-SHA256 block strength. */
    public static final int MIN_SECRET_BYTES = 32;

    private static final int MAX_HEADER_LENGTH = 4096;

    private final byte[] secret;

    public WebhookSigner(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("webhook secret must be at least " + MIN_SECRET_BYTES + " bytes, was " + secret.length);
        }
        this.secret = secret.clone();
    }

    /** The {@value #HEADER} value for {@code body} sent at {@code timestamp}. */
    public String sign(byte[] body, Instant timestamp) {
        long t = timestamp.getEpochSecond();
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(mac(t, body));
    }

    /** Checks a header against {@code body}, accepting timestamps within {@code tolerance} of {@code now}. */
    public WebhookVerification verify(byte[] body, String header, Instant now, Duration tolerance) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(tolerance, "tolerance");
        if (header == null || header.length() > MAX_HEADER_LENGTH) {
            return WebhookVerification.MALFORMED_HEADER;
        }
        Long t = null;
        java.util.List<byte[]> signatures = new java.util.ArrayList<>();
        for (String part : header.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return WebhookVerification.MALFORMED_HEADER;
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (key.equals("t")) {
                if (t != null || !value.matches("\\d{1,12}")) {
                    return WebhookVerification.MALFORMED_HEADER;
                }
                t = Long.parseLong(value);
            } else if (key.equals("v1")) {
                if (!value.matches("[0-9a-fA-F]{64}")) {
                    return WebhookVerification.MALFORMED_HEADER;
                }
                signatures.add(HexFormat.of().parseHex(value));
            }
        }
        if (t == null || signatures.isEmpty()) {
            return WebhookVerification.MALFORMED_HEADER;
        }
        if (Duration.between(Instant.ofEpochSecond(t), now).abs().compareTo(tolerance) > 0) {
            return WebhookVerification.TIMESTAMP_OUT_OF_TOLERANCE;
        }
        byte[] expected = mac(t, body);
        boolean match = false;
        for (byte[] signature : signatures) {
            match |= MessageDigest.isEqual(expected, signature); // no early exit: constant work per candidate
        }
        return match ? WebhookVerification.VALID : WebhookVerification.SIGNATURE_MISMATCH;
    }

    private byte[] mac(long t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }
}
