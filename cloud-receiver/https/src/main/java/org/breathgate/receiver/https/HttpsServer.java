package org.breathgate.receiver.https;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.List;
import java.util.Objects;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiver's HTTPS server (Javalin on Jetty 12): TLS only (TLS 1.2 and 1.3, no plain HTTP
 * listener), security headers on every answer, JSON errors {@code {"error": code, "message": …}},
 * and a request size limit. Features add their endpoints as {@link HttpsRoutes}.
 */
public final class HttpsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpsServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Where and how to listen.
     *
     * @param host            address to bind: {@code 127.0.0.1} (tests, behind a proxy) or {@code 0.0.0.0}
     * @param port            TCP port, 0 for any free port (tests); 8443 is the documented default
     * @param maxRequestBytes the largest request body accepted (413 above it)
     */
    public record Settings(String host, int port, long maxRequestBytes) {
        public static final int DEFAULT_PORT = 8443;
        public static final long DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;

        public Settings {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535, was " + port);
            }
            if (maxRequestBytes < 1024) {
                throw new IllegalArgumentException("maxRequestBytes must be at least 1024");
            }
        }

        /** Loopback on any free port: for tests. */
        public static Settings loopbackAnyPort() {
            return new Settings("127.0.0.1", 0, DEFAULT_MAX_REQUEST_BYTES);
        }
    }

    private final Javalin app;
    private final ServerConnector connector;
    private final TlsIdentity identity;

    private HttpsServer(Javalin app, ServerConnector connector, TlsIdentity identity) {
        this.app = app;
        this.connector = connector;
        this.identity = identity;
    }

    /**
     * Starts listening with {@code identity}'s certificate and serves {@code routes}.
     *
     * @throws IllegalStateException if the port cannot be bound
     */
    public static HttpsServer start(Settings settings, TlsIdentity identity, List<HttpsRoutes> routes) {
        char[] storePassword = "breathgate".toCharArray(); // in-memory key store only; never written
        ServerConnector[] holder = new ServerConnector[1];
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = settings.maxRequestBytes();
            // A page's file upload (a client's reference photo, at most 512 KiB) is multipart, which the limit above does not
            // bound: bound it here, with room for the form's other fields.
            config.jetty.multipartConfig.maxTotalRequestSize(1, io.javalin.config.SizeUnit.MB);
            config.jetty.multipartConfig.maxFileSize(600, io.javalin.config.SizeUnit.KB);
            config.jetty.modifyServer(server -> {
                SslContextFactory.Server tls = new SslContextFactory.Server();
                tls.setKeyStore(identity.keyStore(storePassword));
                tls.setKeyStorePassword(new String(storePassword));
                tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
                tls.setSniRequired(false);
                HttpConfiguration https = new HttpConfiguration();
                https.setSendServerVersion(false);
                https.setSendXPoweredBy(false);
                SecureRequestCustomizer secure = new SecureRequestCustomizer();
                secure.setSniHostCheck(false); // devices connect by IP and pin the certificate
                https.addCustomizer(secure);
                ServerConnector c = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(https));
                c.setHost(settings.host());
                c.setPort(settings.port());
                server.addConnector(c);
                holder[0] = c;
            });
            config.routes.before(HttpsServer::securityHeaders);
            config.routes.exception(ApiException.class, (e, ctx) -> {
                e.headers().forEach(ctx::header);
                error(ctx, e.status(), e.code(), e.getMessage());
            });
            config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), statusCode(e.getStatus()), e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal_error", "the receiver failed to handle this request; the admin can find it in the log");
            });
            for (HttpsRoutes r : routes) {
                r.register(config.routes);
            }
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("the HTTPS server cannot listen on " + settings.host() + ":" + settings.port()
                    + " (is the port taken?): " + e.getMessage(), e);
        }
        // Javalin adds its own plain-HTTP connector unless told otherwise; the receiver serves TLS only.
        for (var c : app.jettyServer().server().getConnectors()) {
            if (c != holder[0]) {
                try {
                    c.stop();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot stop a plain HTTP connector", e);
                }
                app.jettyServer().server().removeConnector(c);
            }
        }
        HttpsServer web = new HttpsServer(app, holder[0], identity);
        LOG.info("HTTPS on {}:{}; certificate fingerprint {}", settings.host(), web.port(), identity.fingerprint());
        return web;
    }

    /** The JSON {@code error} code of an HTTP status Javalin answered by itself (404 for an unknown address, 405, 413). */
    public static String statusCode(int status) {
        switch (status) {
            case 400:
                return "invalid_request";
            case 404:
                return "not_found";
            case 405:
                return "method_not_allowed";
            case 413:
                return "too_large";
            default:
                return "http_" + status;
        }
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("Strict-Transport-Security", "max-age=31536000");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        ctx.header("Cache-Control", "no-store");
    }

    /**
     * Writes the JSON error body {@code {"error": code, "message": message}}: what every error is for the API and devices.
     * (The people's pages answer a browser that asks for HTML with a page instead: web.ui.ErrorPages.)
     */
    public static void error(Context ctx, int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", code);
        body.put("message", message == null ? code : message);
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    /** Writes {@code body} as JSON with {@code status}. */
    public static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The port actually bound. */
    public int port() {
        return connector.getLocalPort();
    }

    /** The certificate devices pin. */
    public TlsIdentity identity() {
        return identity;
    }

    @Override
    public void close() {
        app.stop();
    }
}
