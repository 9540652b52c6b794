package org.breathgate.receiver.app.web;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signing in through a real OpenID Connect provider (mock-oauth2-server in this JVM), the redirect flow driven over HTTP, and
 * each way it must be refused: replayed state, another browser, wrong nonce, wrong issuer, wrong audience, expired token,
 * {@code alg: none}, an HMAC-signed token, another provider's token for a worker bound to this one, no multi-factor claim,
 * an unknown subject, a reused parent's code. Every refusal signs nobody in and is audited as {@code login.refused}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcSignInIT {

    private static final Pattern SESSION = Pattern.compile("__Host-breathgate_session=([^;]+)");
    private static final Pattern FLOW = Pattern.compile("__Host-breathgate_signin=([^;]+)");
    private static final Map<String, Object> MFA = Map.of("amr", List.of("pwd", "mfa"), "email", "anna@example.org");

    private OidcDeployment d;
    private HttpClient http;

    @BeforeAll
    void start() throws Exception {
        d = new OidcDeployment();
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        http = HttpClient.newBuilder().sslContext(org.breathgate.testkit.PinnedTls.trusting(d.receiver.web().orElseThrow().identity().certificate()))
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    void stop() {
        if (d != null) {
            d.close();
        }
    }

    /** One browser: its cookies at the receiver. */
    private final class Visitor {
        final Map<String, String> cookies = new HashMap<>();

        HttpResponse<String> get(String url) throws Exception {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
            if (url.startsWith(d.baseUrl) && !cookies.isEmpty()) {
                StringBuilder c = new StringBuilder();
                cookies.forEach((k, v) -> c.append(c.length() == 0 ? "" : "; ").append(k).append('=').append(v));
                r.header("Cookie", c.toString());
            }
            HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            if (url.startsWith(d.baseUrl)) {
                for (String h : response.headers().allValues("Set-Cookie")) {
                    String name = h.substring(0, h.indexOf('='));
                    String value = h.substring(h.indexOf('=') + 1, h.indexOf(';'));
                    if (value.isEmpty()) {
                        cookies.remove(name);
                    } else {
                        cookies.put(name, value);
                    }
                }
            }
            return response;
        }

        /** Starts at {@code providerId} and goes through the provider: returns the callback URL it sends the browser to. */
        String toCallback(String providerId) throws Exception {
            HttpResponse<String> start = get(d.baseUrl + "/login/oidc/" + providerId + "?next=%2Fapi%2Fv1%2Fme");
            assertEquals(303, start.statusCode(), start.body());
            String authorize = start.headers().firstValue("Location").orElseThrow();
            assertTrue(authorize.contains("code_challenge_method=S256") && authorize.contains("nonce=") && authorize.contains("state="),
                    authorize);
            HttpResponse<String> atProvider = get(authorize);
            assertEquals(302, atProvider.statusCode(), atProvider.body());
            String callback = atProvider.headers().firstValue("Location").orElseThrow();
            assertTrue(callback.startsWith(d.baseUrl + "/login/oidc/callback?"), callback);
            return callback;
        }

        boolean signedIn() throws Exception {
            return get(d.baseUrl + "/api/v1/me").statusCode() == 200;
        }
    }

    private long refusals(String reason) {
        return d.receiver.gate().log().entries().stream().filter(e -> e.action().equals("login.refused") && e.detail().contains("oidc " + reason))
                .count();
    }

    /** The callback's answer must be a refusal for {@code reason} that set no session; returns that answer. */
    private void assertRefused(Visitor v, HttpResponse<String> callback, String reason) throws Exception {
        assertEquals(403, callback.statusCode(), callback.body());
        assertTrue(callback.body().contains("data-reason=\"" + reason + "\""), callback.body());
        assertTrue(callback.headers().allValues("Set-Cookie").stream().noneMatch(h -> SESSION.matcher(h).find() && !h.contains("Max-Age=0")),
                "no session cookie");
        assertFalse(v.signedIn(), "nothing signs in");
        assertTrue(refusals(reason) >= 1, "audited as login.refused " + reason);
    }

    /** The token endpoint's next answer: a token response carrying {@code idToken}. */
    private void nextTokenResponse(String idToken) {
        d.forgedTokenAnswers.add("{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"id_token\":\"" + idToken + "\"}");
    }

    private String nonceOf(String callbackStartLocation) {
        Matcher m = Pattern.compile("[?&]nonce=([^&]+)").matcher(callbackStartLocation);
        assertTrue(m.find());
        return java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    }

    @Test
    void a_bound_worker_signs_in_with_multi_factor_and_the_state_cannot_be_used_again() throws Exception {
        Visitor v = new Visitor();
        d.next("staff-idp", OidcDeployment.ANNA_SUB, MFA);
        String callback = v.toCallback("staff");
        HttpResponse<String> done = v.get(callback);
        assertEquals(200, done.statusCode(), done.body());
        assertTrue(done.body().contains("http-equiv=\"refresh\""), "a page of ours moves on (the Strict cookie is sent from there)");
        HttpResponse<String> me = v.get(d.baseUrl + "/api/v1/me");
        assertEquals(200, me.statusCode());
        assertTrue(me.body().contains("\"anna\""), me.body());

        Visitor replayer = new Visitor();
        replayer.cookies.putAll(v.cookies);
        replayer.cookies.remove("__Host-breathgate_session");
        assertRefused(replayer, replayer.get(callback), "state_unknown");
    }

    @Test
    void a_callback_in_another_browser_than_the_one_that_started_is_refused() throws Exception {
        Visitor v = new Visitor();
        String callback = v.toCallback("staff");
        Visitor other = new Visitor();
        assertRefused(other, other.get(callback), "browser_mismatch");
    }

    @Test
    void a_token_with_another_nonce_is_refused() throws Exception {
        Visitor v = new Visitor();
        String callback = v.toCallback("staff");
        Map<String, Object> claims = new HashMap<>(MFA);
        claims.put("nonce", "not-the-nonce-of-this-sign-in");
        nextTokenResponse(d.idp.issueToken("staff-idp", OidcDeployment.CLIENT_ID, new DefaultOAuth2TokenCallback("staff-idp",
                OidcDeployment.ANNA_SUB, "JWT", List.of(OidcDeployment.CLIENT_ID), claims, 3600)).serialize());
        assertRefused(v, v.get(callback), "wrong_nonce");
    }

    @Test
    void a_token_naming_another_issuer_is_refused_even_when_signed_with_this_providers_key() throws Exception {
        Visitor v = new Visitor();
        String start = v.get(d.baseUrl + "/login/oidc/staff").headers().firstValue("Location").orElseThrow();
        String callback = v.get(start).headers().firstValue("Location").orElseThrow();
        Map<String, Object> claims = new HashMap<>(MFA);
        claims.put("nonce", nonceOf(start));
        claims.put("iss", d.idp.issuerUrl("other-idp").toString().replaceFirst("/$", ""));
        nextTokenResponse(d.idp.issueToken("staff-idp", OidcDeployment.CLIENT_ID, new DefaultOAuth2TokenCallback("staff-idp",
                OidcDeployment.ANNA_SUB, "JWT", List.of(OidcDeployment.CLIENT_ID), claims, 3600)).serialize());
        assertRefused(v, v.get(callback), "wrong_issuer");
    }

    @Test
    void a_token_another_provider_issued_and_signed_is_refused() throws Exception {
        Visitor v = new Visitor();
        String start = v.get(d.baseUrl + "/login/oidc/staff").headers().firstValue("Location").orElseThrow();
        String callback = v.get(start).headers().firstValue("Location").orElseThrow();
        Map<String, Object> claims = new HashMap<>(MFA);
        claims.put("nonce", nonceOf(start));
        nextTokenResponse(d.idp.issueToken("other-idp", OidcDeployment.CLIENT_ID, new DefaultOAuth2TokenCallback("other-idp",
                OidcDeployment.ANNA_SUB, "JWT", List.of(OidcDeployment.CLIENT_ID), claims, 3600)).serialize());
        assertRefused(v, v.get(callback), "bad_signature"); // the other provider's key is not in this provider's JWKS
    }

    @Test
    void a_token_for_another_audience_is_refused() throws Exception {
        Visitor v = new Visitor();
        String start = v.get(d.baseUrl + "/login/oidc/staff").headers().firstValue("Location").orElseThrow();
        String callback = v.get(start).headers().firstValue("Location").orElseThrow();
        Map<String, Object> claims = new HashMap<>(MFA);
        claims.put("nonce", nonceOf(start));
        nextTokenResponse(d.idp.issueToken("staff-idp", OidcDeployment.CLIENT_ID, new DefaultOAuth2TokenCallback("staff-idp",
                OidcDeployment.ANNA_SUB, "JWT", List.of("some-other-service"), claims, 3600)).serialize());
        assertRefused(v, v.get(callback), "wrong_audience");
    }

    @Test
    void an_expired_token_is_refused() throws Exception {
        Visitor v = new Visitor();
        String start = v.get(d.baseUrl + "/login/oidc/staff").headers().firstValue("Location").orElseThrow();
        String callback = v.get(start).headers().firstValue("Location").orElseThrow();
        Map<String, Object> claims = new HashMap<>(MFA);
        claims.put("nonce", nonceOf(start));
        nextTokenResponse(d.idp.issueToken("staff-idp", OidcDeployment.CLIENT_ID, new DefaultOAuth2TokenCallback("staff-idp",
                OidcDeployment.ANNA_SUB, "JWT", List.of(OidcDeployment.CLIENT_ID), claims, -600)).serialize());
        assertRefused(v, v.get(callback), "expired");
    }

    private JWTClaimsSet validLooking(String start) {
        return new JWTClaimsSet.Builder().issuer(d.idp.issuerUrl("staff-idp").toString().replaceFirst("/$", "")).subject(OidcDeployment.ANNA_SUB)
                .audience(OidcDeployment.CLIENT_ID).issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 600_000))
                .claim("nonce", nonceOf(start)).claim("amr", List.of("mfa")).build();
    }

    @Test
    void an_unsigned_token_alg_none_is_refused() throws Exception {
        Visitor v = new Visitor();
        String start = v.get(d.baseUrl + "/login/oidc/staff").headers().firstValue("Location").orElseThrow();
        String callback = v.get(start).headers().firstValue("Location").orElseThrow();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String none = b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(validLooking(start).toString().getBytes(StandardCharsets.UTF_8)) + ".";
        nextTokenResponse(none);
        assertRefused(v, v.get(callback), "unsigned_token");
    }

    @Test
    void a_token_signed_with_hmac_under_the_client_secret_is_refused() throws Exception {
        Visitor v = new Visitor();
        String start = v.get(d.baseUrl + "/login/oidc/staff").headers().firstValue("Location").orElseThrow();
        String callback = v.get(start).headers().firstValue("Location").orElseThrow();
        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), validLooking(start));
        hmac.sign(new MACSigner(OidcDeployment.CLIENT_SECRET.getBytes(StandardCharsets.UTF_8)));
        nextTokenResponse(hmac.serialize());
        assertRefused(v, v.get(callback), "bad_signature");
    }

    @Test
    void another_providers_token_for_a_worker_bound_to_this_one_signs_nobody_in() throws Exception {
        Visitor v = new Visitor();
        d.next("other-idp", OidcDeployment.ANNA_SUB, MFA);
        assertRefused(v, v.get(v.toCallback("other")), "unknown_subject");
    }

    @Test
    void a_worker_without_multi_factor_sign_in_is_refused_with_a_clear_message() throws Exception {
        Visitor v = new Visitor();
        d.next("staff-idp", OidcDeployment.ANNA_SUB, Map.of("amr", List.of("pwd")));
        HttpResponse<String> answer = v.get(v.toCallback("staff"));
        assertRefused(v, answer, "mfa_missing");
        assertTrue(answer.body().contains("toista tunnistustekijää"), "the page says what was missing: " + answer.body());
    }

    @Test
    void an_unknown_subject_is_refused_and_no_account_is_created() throws Exception {
        int before = d.receiver.care().people().users(org.breathgate.care.access.Actor.administrator("x")).size();
        Visitor v = new Visitor();
        d.next("staff-idp", "stranger-sub", MFA);
        assertRefused(v, v.get(v.toCallback("staff")), "unknown_subject");
        assertEquals(before, d.receiver.care().people().users(org.breathgate.care.access.Actor.administrator("x")).size());
    }

    /** A parent's first sign-in: the code page, then the provider; returns the callback URL. */
    private String parentWithCode(Visitor v, String code, String identityCode) throws Exception {
        HttpResponse<String> form = v.get(d.baseUrl + "/login/parent");
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form.body());
        assertTrue(csrf.find(), form.body());
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(d.baseUrl + "/login/parent"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "__Host-breathgate_session=" + v.cookies.get("__Host-breathgate_session"))
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8) + "&code="
                        + URLEncoder.encode(code, StandardCharsets.UTF_8)));
        HttpResponse<String> accepted = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
        if (accepted.statusCode() != 200) {
            System.out.println("the code page answered " + accepted.statusCode() + " " + accepted.headers().firstValue("Location").orElse(""));
            return null;
        }
        Matcher to = Pattern.compile("id=\"continue\" href=\"([^\"]+)\"").matcher(accepted.body());
        assertTrue(to.find(), accepted.body());
        d.next("suomifi", "suomifi-" + identityCode, Map.of("urn:oid:1.2.246.21", identityCode));
        String authorize = v.get(d.baseUrl + to.group(1).replace("&amp;", "&")).headers().firstValue("Location").orElseThrow();
        return v.get(authorize).headers().firstValue("Location").orElseThrow();
    }

    @Test
    void a_parent_binds_their_identity_once_with_the_code_and_a_reused_code_signs_nobody_in() throws Exception {
        String code = d.newParentCode("client-a");
        Visitor first = new Visitor();
        Visitor second = new Visitor();
        String firstCallback = parentWithCode(first, code, "010190-123A");
        String secondCallback = parentWithCode(second, code, "020290-456B"); // both started before either finished
        assertNotNull(secondCallback);
        assertEquals(200, first.get(firstCallback).statusCode());
        HttpResponse<String> me = first.get(d.baseUrl + "/api/v1/me");
        assertTrue(me.body().contains("\"client-a\"") && me.body().contains("PARENT"), me.body());
        assertRefused(second, second.get(secondCallback), "invitation_invalid");

        Visitor third = new Visitor();
        assertEquals(null, parentWithCode(third, code, "030390-789C"), "a used code is refused on the code page already");
        assertFalse(third.signedIn());

        // Afterwards the parent signs in with strong identification alone; the receiver keeps a keyed hash, never the code.
        Visitor again = new Visitor();
        d.next("suomifi", "suomifi-again", Map.of("urn:oid:1.2.246.21", "010190-123a"));
        assertEquals(200, again.get(again.toCallback("suomifi")).statusCode());
        assertTrue(again.signedIn());
        String dump = org.breathgate.receiver.evidence.db.Sql.read(d.receiver.database(), "reading bindings", c -> {
            StringBuilder all = new StringBuilder();
            try (var q = c.prepareStatement("select subject from care_identity_bindings"); var rs = q.executeQuery()) {
                while (rs.next()) {
                    all.append(rs.getString(1)).append('\n');
                }
            }
            return all.toString();
        });
        assertFalse(dump.toUpperCase().contains("010190-123A"), "the identity code itself is never stored");
    }

    @Test
    void an_identity_unknown_here_without_a_code_is_refused() throws Exception {
        Visitor v = new Visitor();
        d.next("suomifi", "suomifi-stranger", Map.of("urn:oid:1.2.246.21", "311299-999X"));
        assertRefused(v, v.get(v.toCallback("suomifi")), "unknown_subject");
    }
}
