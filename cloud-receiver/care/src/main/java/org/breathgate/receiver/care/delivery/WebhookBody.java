package org.breathgate.receiver.care.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.breathgate.care.alert.Alert;

import java.time.Instant;

/**
 * The JSON body POSTed to a webhook (the contract is in docs/care-workflow.md, "Webhooks"). It names the alert and
 * where it stands, never a result value: details are read after signing in, where every read is audited.
 */
final class WebhookBody {

    /** Version of the body's shape; a change that breaks readers gets a new number. */
    public static final int SCHEMA = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private WebhookBody() {
    }

    /** The key a receiver de-duplicates by: the same on every retry and replay of one delivery. */
    public static String idempotencyKey(long deliveryId) {
        return "bg-delivery-" + deliveryId;
    }

    /** {@code alert.raised}, {@code alert.updated} or {@code alert.escalated}. */
    public static String type(String reason) {
        switch (reason) {
            case "raise":
                return "alert.raised";
            case "update":
                return "alert.updated";
            case "escalate":
                return "alert.escalated";
            default:
                throw new IllegalArgumentException("unknown delivery reason " + reason);
        }
    }

    /**
     * The body for delivery {@code deliveryId} of {@code alert} to {@code webhook}.
     *
     * @param signInUrl where a worker signs in to see the alert, or {@code null}
     */
    public static String of(long deliveryId, String reason, Alert alert, Webhook webhook, String signInUrl, Instant createdAt) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("schema", SCHEMA);
        n.put("id", idempotencyKey(deliveryId));
        n.put("type", type(reason));
        n.put("createdAt", createdAt.toString());
        n.put("organisationId", webhook.organisationId());
        ObjectNode a = n.putObject("alert");
        a.put("key", alert.key());
        a.put("clientId", alert.clientId());
        a.put("deviceId", alert.deviceId());
        a.put("kind", alert.kind().name());
        a.put("severity", alert.severity().name());
        a.put("status", alert.status().name());
        a.put("raisedAt", alert.raisedAt().toString());
        a.put("updatedAt", alert.updatedAt().toString());
        if (alert.escalatedAt() == null) {
            a.putNull("escalatedAt");
        } else {
            a.put("escalatedAt", alert.escalatedAt().toString());
        }
        if (signInUrl == null) {
            n.putNull("link");
        } else {
            n.put("link", signInUrl);
        }
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }
}
