package org.breathgate.receiver.care.delivery;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * POSTs signed webhook bodies with the JDK's HTTP client: HTTP/1.1, no redirects followed (a redirect is a failed
 * attempt: the body and its signature go only to the URL that was configured), a connect and a request timeout.
 * A 2xx answer is a delivery; anything else, or no answer, a failed attempt.
 */
public final class WebhookSender {

    /** Tells the receiver which delivery this is; the same on every retry and replay (also the body's {@code id}). */
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

    private final HttpClient client;
    private final Duration timeout;
    private final Clock clock;

    public WebhookSender(Duration timeout, Clock clock) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build();
    }

    /**
     * Sends {@code body} to {@code webhook}, signed at the current time.
     *
     * @throws DeliveryException if the target does not answer 2xx in time
     */
    void send(Webhook webhook, long deliveryId, String body) throws DeliveryException, InterruptedException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(webhook.url())
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "breathgate-receiver")
                .header(IDEMPOTENCY_HEADER, WebhookBody.idempotencyKey(deliveryId))
                .header(org.breathgate.care.webhook.WebhookSigner.HEADER, webhook.signer().sign(bytes, clock.instant()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
        HttpResponse<Void> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (HttpTimeoutException e) {
            throw new DeliveryException("webhook " + webhook.id() + " " + webhook.url() + ": no answer within " + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new DeliveryException("webhook " + webhook.id() + " " + webhook.url() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw new DeliveryException("webhook " + webhook.id() + " " + webhook.url() + " answered HTTP " + status);
        }
    }
}
