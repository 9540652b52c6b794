package org.breathgate.receiver.care.signin.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.langtag.LangTag;
import com.nimbusds.langtag.LangTagException;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.ACR;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One identity provider as a relying party talks to it, with Nimbus OAuth 2.0 / OpenID Connect SDK doing the protocol:
 * discovery (the issuer in the document must be the configured one), the authorization request (code flow, PKCE S256,
 * {@code state}, {@code nonce}, {@code acr_values}), the token request ({@code client_secret_basic}/{@code _post} or
 * {@code private_key_jwt}), and the ID token's validation: its signature against the provider's JWKS with an asymmetric
 * algorithm the provider announces ({@code none} and HMAC are never accepted), the issuer, our client id as audience,
 * expiry, issue time and the nonce, within the provider's clock skew. The JWKS is cached and fetched again when a token
 * names a key it does not hold, so the provider can rotate its keys.
 *
 * <p>The provider's metadata is fetched on first use (and again after a failure), so a provider that is down at start does
 * not stop the receiver.
 */
public final class OidcClient {

    private static final int CONNECT_MS = 5_000;
    private static final int READ_MS = 10_000;

    private final OidcProvider provider;
    private volatile Resolved resolved;

    private record Resolved(OIDCProviderMetadata metadata, IDTokenValidator validator) {
    }

    public OidcClient(OidcProvider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    public OidcProvider provider() {
        return provider;
    }

    private Resolved resolved() throws OidcRefusal {
        Resolved r = resolved;
        if (r != null) {
            return r;
        }
        synchronized (this) {
            if (resolved != null) {
                return resolved;
            }
            try {
                OIDCProviderMetadata metadata = OIDCProviderMetadata.resolve(new Issuer(provider.issuer()), CONNECT_MS, READ_MS);
                Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
                for (JWSAlgorithm a : metadata.getIDTokenJWSAlgs() == null ? List.<JWSAlgorithm>of() : metadata.getIDTokenJWSAlgs()) {
                    if (JWSAlgorithm.Family.RSA.contains(a) || JWSAlgorithm.Family.EC.contains(a) || JWSAlgorithm.Family.ED.contains(a)) {
                        algorithms.add(a); // never none, never HMAC: an HMAC key would be our own client secret
                    }
                }
                if (algorithms.isEmpty()) {
                    algorithms.add(JWSAlgorithm.RS256);
                }
                JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(metadata.getJWKSetURI().toURL(),
                        new DefaultResourceRetriever(CONNECT_MS, READ_MS, 512 * 1024)).retrying(true).build();
                IDTokenValidator validator = new IDTokenValidator(new Issuer(provider.issuer()), new ClientID(provider.clientId()),
                        new JWSVerificationKeySelector<>(algorithms, keys), null);
                validator.setMaxClockSkew((int) provider.clockSkew().getSeconds());
                resolved = new Resolved(metadata, validator);
                return resolved;
            } catch (GeneralException | IOException e) {
                throw new OidcRefusal("provider_unreachable", "the discovery document of " + provider.issuer() + " could not be read: "
                        + e.getMessage(), e);
            }
        }
    }

    /** Where to send the browser to sign in. */
    public URI authorizationUri(URI redirect, String state, String nonce, String codeVerifier, String language) throws OidcRefusal {
        OIDCProviderMetadata m = resolved().metadata();
        Scope scope = new Scope("openid");
        provider.scopes().forEach(scope::add);
        AuthenticationRequest.Builder b = new AuthenticationRequest.Builder(ResponseType.CODE, scope, new ClientID(provider.clientId()), redirect)
                .endpointURI(m.getAuthorizationEndpointURI())
                .state(new State(state))
                .nonce(new Nonce(nonce))
                .codeChallenge(new CodeVerifier(codeVerifier), CodeChallengeMethod.S256);
        if (!provider.acrValues().isEmpty()) {
            List<ACR> acr = new ArrayList<>();
            provider.acrValues().forEach(v -> acr.add(new ACR(v)));
            b.acrValues(acr);
        }
        if (language != null) {
            try {
                b.uiLocales(List.of(LangTag.parse(language)));
            } catch (LangTagException e) {
                // no locale hint then
            }
        }
        return b.build().toURI();
    }

    /**
     * Exchanges {@code code} for tokens and validates the ID token against {@code nonce}.
     *
     * @return the ID token (as received) and its validated claims
     */
    public Validated exchange(String code, URI redirect, String codeVerifier, String nonce) throws OidcRefusal {
        Resolved r = resolved();
        TokenResponse response;
        try {
            TokenRequest request = new TokenRequest(r.metadata().getTokenEndpointURI(), clientAuthentication(r.metadata()),
                    new AuthorizationCodeGrant(new AuthorizationCode(code), redirect, new CodeVerifier(codeVerifier)), null);
            HTTPRequest http = request.toHTTPRequest();
            http.setConnectTimeout(CONNECT_MS);
            http.setReadTimeout(READ_MS);
            response = OIDCTokenResponseParser.parse(http.send());
        } catch (IOException e) {
            throw new OidcRefusal("token_request_failed", "the token endpoint did not answer: " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new OidcRefusal("token_request_failed", "the token endpoint's answer is not a token response: " + e.getMessage(), e);
        }
        if (!response.indicatesSuccess()) {
            throw new OidcRefusal("token_request_failed", "the token endpoint refused: "
                    + response.toErrorResponse().getErrorObject().getCode() + " " + response.toErrorResponse().getErrorObject().getDescription());
        }
        JWT idToken = ((OIDCTokenResponse) response.toSuccessResponse()).getOIDCTokens().getIDToken();
        if (idToken == null) {
            throw new OidcRefusal("id_token_invalid", "the token response has no ID token");
        }
        return new Validated(idToken.serialize(), validate(r.validator(), idToken, nonce));
    }

    /** The ID token and its checked claims. */
    public record Validated(String idToken, IDTokenClaimsSet claims) {
    }

    /** Validates {@code idToken} (as a string) against this provider's keys, issuer, our client id and {@code nonce}. */
    public IDTokenClaimsSet validate(String idToken, String nonce) throws OidcRefusal {
        try {
            return validate(resolved().validator(), JWTParser.parse(idToken), nonce);
        } catch (java.text.ParseException e) {
            throw new OidcRefusal("id_token_invalid", "the ID token is not a JWT: " + e.getMessage(), e);
        }
    }

    private static IDTokenClaimsSet validate(IDTokenValidator validator, JWT idToken, String nonce) throws OidcRefusal {
        if (idToken instanceof PlainJWT) {
            throw new OidcRefusal("unsigned_token", "the ID token is unsigned (alg: none)");
        }
        try {
            return validator.validate(idToken, new Nonce(nonce));
        } catch (BadJOSEException e) {
            throw new OidcRefusal(classify(e.getMessage()), "the ID token was refused: " + e.getMessage(), e);
        } catch (com.nimbusds.jose.jwk.source.RateLimitReachedException e) {
            // The token names a key the cached JWKS lacks, and the JWKS was fetched again moments ago: no such key.
            throw new OidcRefusal("bad_signature", "the ID token is signed with a key the provider does not publish", e);
        } catch (com.nimbusds.jose.KeySourceException e) {
            throw new OidcRefusal("provider_unreachable", "the provider's JWKS could not be read: " + e.getMessage(), e);
        } catch (JOSEException e) {
            throw new OidcRefusal("id_token_invalid", "the ID token could not be checked: " + e.getMessage(), e);
        }
    }

    /** Nimbus's refusal as one of our stable reasons. */
    static String classify(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (m.contains("issuer")) {
            return "wrong_issuer";
        }
        if (m.contains("audience")) {
            return "wrong_audience";
        }
        if (m.contains("expired")) {
            return "expired";
        }
        if (m.contains("nonce")) {
            return "wrong_nonce";
        }
        if (m.contains("unsecured") || m.contains("plain")) {
            return "unsigned_token";
        }
        if (m.contains("algorithm") || m.contains("signature") || m.contains("key")) {
            return "bad_signature";
        }
        return "id_token_invalid";
    }

    /** Where to send the browser to end its session at the provider too, if the provider has an end-session endpoint. */
    public java.util.Optional<URI> logoutUri(String idToken, URI postLogoutRedirect) {
        try {
            OIDCProviderMetadata m = resolved().metadata();
            if (m.getEndSessionEndpointURI() == null) {
                return java.util.Optional.empty();
            }
            JWT hint = idToken == null ? null : JWTParser.parse(idToken);
            return java.util.Optional.of(new LogoutRequest(m.getEndSessionEndpointURI(), hint, null, new ClientID(provider.clientId()),
                    postLogoutRedirect, null, null).toURI());
        } catch (OidcRefusal | java.text.ParseException e) {
            return java.util.Optional.empty();
        }
    }

    private ClientAuthentication clientAuthentication(OIDCProviderMetadata m) throws OidcRefusal {
        ClientID id = new ClientID(provider.clientId());
        if (provider.clientSecretFile() != null) {
            String secret;
            try {
                secret = Files.readString(provider.clientSecretFile(), StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            } catch (IOException e) {
                throw new OidcRefusal("token_request_failed", "cannot read the client secret file of " + provider.id() + ": " + e.getMessage(), e);
            }
            List<ClientAuthenticationMethod> methods = m.getTokenEndpointAuthMethods();
            boolean postOnly = methods != null && !methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    && methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_POST);
            return postOnly ? new ClientSecretPost(id, new Secret(secret)) : new ClientSecretBasic(id, new Secret(secret));
        }
        try {
            PrivateKey key = privateKey(Files.readString(provider.clientKeyFile(), StandardCharsets.US_ASCII));
            JWSAlgorithm alg = key instanceof ECPrivateKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
            return new PrivateKeyJWT(id, m.getTokenEndpointURI(), alg, key, null, null);
        } catch (IOException | GeneralSecurityException | JOSEException e) {
            throw new OidcRefusal("token_request_failed", "cannot sign the client assertion of " + provider.id() + " with "
                    + provider.clientKeyFile() + ": " + e.getMessage(), e);
        }
    }

    /** A PKCS#8 PEM private key, RSA or EC. */
    static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        String body = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body));
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePrivate(spec);
        }
    }
}
