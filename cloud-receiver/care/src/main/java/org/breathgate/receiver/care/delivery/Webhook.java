package org.breathgate.receiver.care.delivery;

import org.breathgate.care.webhook.WebhookSigner;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A case-management system's endpoint for one organisation's alerts.
 *
 * @param id             e.g. {@code wh-3f9a0c21}
 * @param organisationId whose alerts it receives
 * @param url            where bodies are POSTed ({@code https://}; {@code http://} only for a lab or loopback)
 * @param secret         the shared HMAC key, as text; its UTF-8 bytes are the key (at least 32 bytes)
 * @param createdAt      when it was added
 * @param disabledAt     when it was switched off (no new deliveries), or {@code null}
 */
public record Webhook(String id, String organisationId, URI url, String secret, Instant createdAt, Instant disabledAt) {

    public Webhook {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(organisationId, "organisationId");
        checkUrl(url);
        Objects.requireNonNull(secret, "secret");
        if (secret.getBytes(StandardCharsets.UTF_8).length < WebhookSigner.MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("a webhook secret must be at least " + WebhookSigner.MIN_SECRET_BYTES + " bytes");
        }
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** {@code url} if it is an absolute http(s) URL with a host, else an {@link IllegalArgumentException}. */
    public static URI checkUrl(URI url) {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || url.getHost() == null) {
            throw new IllegalArgumentException("a webhook URL must be https://host/path (http:// only in a lab), was '" + url + "'");
        }
        return url;
    }

    public boolean active() {
        return disabledAt == null;
    }

    /** The signer for this webhook's secret. */
    public WebhookSigner signer() {
        return new WebhookSigner(secret.getBytes(StandardCharsets.UTF_8));
    }
}
