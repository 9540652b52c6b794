package org.breathgate.receiver.app.ops;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's listener (docs/operations.md, "Monitor"): {@code /health/live}, {@code /health/ready} and
 * {@code /metrics}, in plain HTTP on a port of its own, on loopback by default. Plain, because load balancers' and
 * Prometheus's probes rarely speak client certificates and nothing here is secret or personal (counts and states only);
 * separate, so that probes never go through the people's sign-in or the devices' certificate, and a firewall can keep the
 * port inside the operator's network. The JDK's own HTTP server: a few GETs need no web framework.
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 while the process runs (a restart is the cure for anything else);</li>
 *   <li>{@code GET /health/ready}: 200 when {@link Readiness} passes, else 503; the body (JSON) says which check failed;</li>
 *   <li>{@code GET /metrics}: Prometheus text format ({@link ReceiverMetrics}).</li>
 * </ul>
 */
public final class HealthServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;

    private HealthServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Listens on {@code host:port} (0: a free port).
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    public static HealthServer start(String host, int port, Readiness readiness, ReceiverMetrics metrics) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for health checks on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "health-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/health/live", exchange -> answer(exchange, 200, "application/json", "{\"status\":\"live\"}\n"));
        server.createContext("/health/ready", exchange -> {
            Readiness.Report report = readiness.check();
            answer(exchange, report.ready() ? 200 : 503, "application/json", json(report));
        });
        server.createContext("/metrics", exchange -> answer(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
        server.createContext("/", exchange -> answer(exchange, 404, "application/json", "{\"error\":\"not_found\"}\n"));
        server.start();
        return new HealthServer(server, executor);
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            boolean exact = exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())
                    || exchange.getHttpContext().getPath().equals("/");
            if (!exact) {
                status = 404;
                type = "application/json";
                body = "{\"error\":\"not_found\"}\n";
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                status = 405;
                type = "application/json";
                body = "{\"error\":\"method_not_allowed\"}\n";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (RuntimeException e) {
            LOG.warn("health listener: {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.getMessage());
            throw e;
        }
    }

    private static String json(Readiness.Report report) {
        Map<String, Object> checks = new java.util.TreeMap<>();
        report.checks().forEach((name, check) -> checks.put(name, Map.of("ok", check.ok(), "detail", check.detail())));
        try {
            return JSON.writeValueAsString(Map.of("ready", report.ready(), "checks", checks)) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the readiness report as JSON", e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
