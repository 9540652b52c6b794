package org.breathgate.receiver.care.signin.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The provider rotates its signing key: a token naming a key the cached JWKS does not hold makes the client fetch the JWKS
 * again, so the new key works at once, and a key the provider dropped no longer does. A small HTTP server stands in for the
 * provider's discovery document and JWKS, so the test can rotate the key when it likes.
 */
class OidcKeyRotationIT {

    private HttpServer server;
    private String issuer;
    private final AtomicReference<JWKSet> published = new AtomicReference<>();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private RSAKey first;
    private RSAKey second;

    @BeforeEach
    void start() throws Exception {
        first = new RSAKeyGenerator(2048).keyID("key-1").generate();
        second = new RSAKeyGenerator(2048).keyID("key-2").generate();
        published.set(new JWKSet(first.toPublicJWK()));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/idp";
        server.createContext("/idp/.well-known/openid-configuration", x -> {
            byte[] body = ("{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\",\"token_endpoint\":\""
                    + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/jwks\",\"response_types_supported\":[\"code\"],"
                    + "\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}")
                    .getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.createContext("/idp/jwks", x -> {
            jwksFetches.incrementAndGet();
            byte[] body = published.get().toString().getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String token(RSAKey key, String nonce) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), new JWTClaimsSet.Builder()
                .issuer(issuer).subject("anna-sub").audience("breathgate").issueTime(new Date())
                .expirationTime(new Date(System.currentTimeMillis() + 300_000)).claim("nonce", nonce).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void a_token_signed_with_the_providers_new_key_is_accepted_at_once_and_one_with_a_dropped_key_is_not() throws Exception {
        OidcClient client = new OidcClient(new OidcProvider("idp", "IdP", URI.create(issuer), "breathgate", java.nio.file.Path.of("unused"),
                null, OidcProvider.Audience.STAFF, Set.of("sa-1"), OidcProvider.Match.SUB, false, Set.of(), Set.of(), List.of(), List.of(), null,
                Duration.ofSeconds(60)));
        assertEquals("anna-sub", client.validate(token(first, "n1"), "n1").getSubject().getValue());
        int before = jwksFetches.get();

        published.set(new JWKSet(second.toPublicJWK())); // the provider rotates: key-1 gone, key-2 in
        assertEquals("anna-sub", client.validate(token(second, "n2"), "n2").getSubject().getValue(),
                "an unknown key id makes the client fetch the JWKS again");
        assertEquals(before + 1, jwksFetches.get());
        OidcRefusal dropped = assertThrows(OidcRefusal.class, () -> client.validate(token(first, "n3"), "n3"));
        assertEquals("bad_signature", dropped.reason(), dropped.getMessage());
    }
}
