package org.breathgate.care.webhook;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WebhookSignerTest {

    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final byte[] BODY = "{\"alert\":\"chain:home-0001:41\",\"kind\":\"confirmed_positive\"}".getBytes(StandardCharsets.UTF_8);
    static final Instant T = Instant.ofEpochSecond(1_773_133_200L);
    private final WebhookSigner signer = new WebhookSigner(SECRET);

    @Test
    void the_signature_is_hmac_sha256_over_timestamp_dot_body() {
        // Computed independently with Python: hmac.new(secret, b"1773133200." + body, hashlib.sha256).hexdigest()
        assertEquals("t=1773133200,v1=01cbf6b26b2b0ab6eee336c30bf909c31b8dd3dd9c84209aa10c18997661b19c", signer.sign(BODY, T));
    }

    @Test
    void a_genuine_delivery_verifies() {
        assertEquals(WebhookVerification.VALID, signer.verify(BODY, signer.sign(BODY, T), T.plusSeconds(30), WebhookSigner.DEFAULT_TOLERANCE));
    }

    @Test
    void a_changed_body_does_not_verify() {
        String header = signer.sign(BODY, T);
        byte[] changed = BODY.clone();
        changed[10] ^= 1;
        assertEquals(WebhookVerification.SIGNATURE_MISMATCH, signer.verify(changed, header, T, WebhookSigner.DEFAULT_TOLERANCE));
    }

    @Test
    void another_secret_does_not_verify() {
        WebhookSigner other = new WebhookSigner("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));
        assertEquals(WebhookVerification.SIGNATURE_MISMATCH, other.verify(BODY, signer.sign(BODY, T), T, WebhookSigner.DEFAULT_TOLERANCE));
    }

    @Test
    void an_old_delivery_is_refused_as_a_possible_replay() {
        assertEquals(WebhookVerification.TIMESTAMP_OUT_OF_TOLERANCE,
                signer.verify(BODY, signer.sign(BODY, T), T.plus(Duration.ofMinutes(5)).plusSeconds(1), WebhookSigner.DEFAULT_TOLERANCE));
    }

    @Test
    void the_timestamp_cannot_be_moved_without_breaking_the_signature() {
        String header = signer.sign(BODY, T).replace("t=1773133200", "t=1773133260");
        assertEquals(WebhookVerification.SIGNATURE_MISMATCH, signer.verify(BODY, header, T, WebhookSigner.DEFAULT_TOLERANCE));
    }

    @Test
    void during_a_secret_rotation_any_matching_signature_is_enough() {
        WebhookSigner old = new WebhookSigner("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));
        String both = old.sign(BODY, T) + "," + signer.sign(BODY, T).split(",")[1];
        assertEquals(WebhookVerification.VALID, signer.verify(BODY, both, T, WebhookSigner.DEFAULT_TOLERANCE));
    }

    @Test
    void a_malformed_header_is_refused() {
        for (String header : new String[] {null, "", "v1=00", "t=1773133200", "t=abc,v1=" + "0".repeat(64), "garbage"}) {
            assertEquals(WebhookVerification.MALFORMED_HEADER, signer.verify(BODY, header, T, WebhookSigner.DEFAULT_TOLERANCE), header);
        }
    }

    @Test
    void a_short_secret_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> new WebhookSigner(new byte[16]));
    }
}
