package org.breathgate.systemtests.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A user agent under the test's (or the attacker's) control: HTTPS to the receiver (trusting exactly its
 * certificate), no automatic redirects, and a session cookie the test sets and reads by hand, so that a
 * planted cookie (session fixation) or a missing token (CSRF) is exactly what is sent.
 */
final class Browser {

    static final String COOKIE = "__Host-breathgate_session";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"|value=\"([^\"]+)\"\\s+name=\"_csrf\"");

    record Response(int status, String body, Map<String, List<String>> headers) {
        Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).flatMap(e -> e.getValue().stream()).findFirst();
        }

        List<String> all(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).flatMap(e -> e.getValue().stream()).toList();
        }

        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }

        @Override
        public String toString() {
            return status + " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    private final HttpClient http;
    private final SSLContext tls;
    private final String base;
    String session;
    String csrf;

    Browser(String base, X509Certificate receiverCertificate) throws Exception {
        this.base = base;
        this.tls = trusting(receiverCertificate);
        this.http = HttpClient.newBuilder().sslContext(tls).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    Response get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET(), null);
    }

    Response form(String method, String path, Map<String, String> fields) throws Exception {
        StringJoiner body = new StringJoiner("&");
        fields.forEach((k, v) -> body.add(enc(k) + "=" + enc(v)));
        return send(HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.ofString(body.toString()))
                .header("Content-Type", "application/x-www-form-urlencoded"), null);
    }

    Response json(String method, String path, String body, String csrfHeader) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        return send(b, csrfHeader);
    }

    Response raw(String method, String path, String contentType, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type",
                contentType), null);
    }

    /** Signs in through the JSON API; keeps the session cookie and the CSRF token. */
    Response signIn(String user, String password) throws Exception {
        Response r = json("POST", "/api/v1/session", JSON.createObjectNode().put("username", user).put("password", password).toString(), null);
        if (r.status() == 200) {
            csrf = r.json().path("csrf_token").asText();
        }
        return r;
    }

    /**
     * A JSON sign-in sent from the loopback address {@code source} (e.g. 127.0.3.7: all of 127/8 is this
     * machine), over a plain TLS socket, since the JDK's HTTP client cannot choose its source address. The
     * receiver throttles failures per account and per source; this lets a test be many sources, as a
     * distributed guesser would, and keeps one attempt's throttling from hiding the next attempt's answer.
     * Returns the status code and body.
     */
    Response signInFrom(String source, String user, String password) throws Exception {
        URI u = URI.create(base);
        String body = JSON.createObjectNode().put("username", user).put("password", password).toString();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket(
                java.net.InetAddress.getByName(u.getHost()), u.getPort(), java.net.InetAddress.getByName(source), 0)) {
            socket.setSoTimeout(20_000);
            String head = "POST /api/v1/session HTTP/1.1\r\nHost: " + u.getHost() + ":" + u.getPort()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
            var out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(answer.substring(9, 12));
            int split = answer.indexOf("\r\n\r\n");
            // The headers too (Retry-After of a slowed sign-in): they were once dropped here, so no test could see them.
            Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
            for (String line : answer.substring(0, split < 0 ? answer.length() : split).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith("HTTP/")) {
                    headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new java.util.ArrayList<>()).add(line.substring(colon + 1).trim());
                }
            }
            return new Response(status, split < 0 ? "" : answer.substring(split + 4), headers);
        }
    }

    /** The CSRF token of a form on {@code html}, if there is one. */
    static Optional<String> formToken(String html) {
        Matcher m = CSRF_FIELD.matcher(html);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(m.group(1) != null ? m.group(1) : m.group(2));
    }

    private Response send(HttpRequest.Builder request, String csrfHeader) throws Exception {
        request.timeout(Duration.ofSeconds(20));
        if (session != null) {
            request.header("Cookie", COOKIE + "=" + session);
        }
        if (csrfHeader != null) {
            request.header("X-CSRF-Token", csrfHeader);
        }
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        for (String c : r.headers().allValues("Set-Cookie")) {
            if (c.startsWith(COOKIE + "=")) {
                String value = c.substring(COOKIE.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'));
                session = value.isEmpty() ? null : value;
            }
        }
        return new Response(r.statusCode(), r.body(), new LinkedHashMap<>(r.headers().map()));
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A path segment with everything but unreserved characters percent-encoded (spaces as %20). */
    static String seg(String s) {
        return enc(s).replace("+", "%20");
    }

    private static SSLContext trusting(X509Certificate only) throws Exception {
        return org.breathgate.testkit.PinnedTls.trusting(only);
    }
}
