package org.breathgate.receiver.care.delivery;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of the alert outbox, table {@code care_alert_deliveries}: one alert command (raise, update, escalate) to
 * one recipient on one channel.
 *
 * @param id            the row id; a webhook's idempotency key is derived from it ({@link WebhookBody#idempotencyKey})
 * @param alertKey      the alert
 * @param channel       {@link #INBOX}, {@link #EMAIL} or {@link #WEBHOOK}
 * @param reason        {@code raise}, {@code update} or {@code escalate}
 * @param state         {@code pending}, {@code delivered}, {@code dead} (retries used up; can be replayed) or
 *                      {@code withheld} (not to be delivered: consent or the recipient no longer allows it; final)
 * @param attempts      attempts made so far
 * @param createdAt     when the row was made
 * @param nextAttemptAt when a pending row is due, or {@code null}
 * @param deliveredAt   when it was delivered, or {@code null}
 * @param lastError     why the last attempt failed or why it was withheld, or {@code null}
 * @param recipient     a user id (e-mail), a webhook id (webhook), or {@code null} (inbox)
 * @param sourceId      the inbox row this was fanned out from, or {@code null} (inbox)
 * @param payload       a webhook's body, fixed when fanned out, or {@code null}
 */
public record Delivery(long id, String alertKey, String channel, String reason, String state, int attempts, Instant createdAt,
                       Instant nextAttemptAt, Instant deliveredAt, String lastError, String recipient, Long sourceId,
                       String payload) {

    public static final String INBOX = "inbox";
    public static final String EMAIL = "email";
    public static final String WEBHOOK = "webhook";

    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String DEAD = "dead";
    public static final String WITHHELD = "withheld";

    public Delivery {
        Objects.requireNonNull(alertKey, "alertKey");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** E.g. {@code 17 email worker-sa raise (chain:home-0001:41)}, for logs and audit details. */
    public String describe() {
        return id + " " + channel + (recipient == null ? "" : " " + recipient) + " " + reason + " (" + alertKey + ")";
    }
}
