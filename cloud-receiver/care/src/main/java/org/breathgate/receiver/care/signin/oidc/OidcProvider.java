package org.breathgate.receiver.care.signin.oidc;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One OpenID Connect identity provider people sign in through ({@code signin.oidc.<id>.*} in the receiver's configuration).
 *
 * @param id                 short name, in the configuration keys, in bindings and in the audit log ({@code entra-lappi})
 * @param name               what the login page's button says ("Lapin hyvinvointialue")
 * @param issuer             the provider's issuer; its discovery document is {@code <issuer>/.well-known/openid-configuration}
 * @param clientId           Breathgate's client id at the provider
 * @param clientSecretFile   file whose first line is the client secret ({@code client_secret_basic}), or {@code null}
 * @param clientKeyFile      PEM private key (PKCS#8, RSA or EC) for {@code private_key_jwt}, or {@code null}; exactly one of
 *                           the two is set
 * @param audience           who signs in through it: staff (workers, technicians, administrators) or parents
 * @param organisations      for staff: the organisations whose workers may sign in through it (empty: technicians and
 *                           administrators only)
 * @param match              which claim names an account: {@code sub} (the provider's subject, the default), {@code email}
 *                           (only when {@code email_verified} is true) or {@code upn} (the organisation's user principal name,
 *                           {@code upn} or else {@code preferred_username})
 * @param requireMfa         whether the ID token must show multi-factor sign-in ({@code acr} in {@code mfaAcr} or an
 *                           {@code amr} value in {@code mfaAmr})
 * @param mfaAcr             {@code acr} values that count as multi-factor
 * @param mfaAmr             {@code amr} values that count as multi-factor (RFC 8176: {@code mfa}, {@code otp}, {@code hwk}, ...)
 * @param acrValues          {@code acr_values} to ask for (Suomi.fi: the level of assurance), or empty
 * @param scopes             scopes to ask for besides {@code openid}
 * @param identityCodeClaim  for parents: the claim carrying the personal identity code (Suomi.fi: {@code urn:oid:1.2.246.21})
 * @param clockSkew          how far the provider's clock may be from ours for {@code exp}, {@code iat} and {@code nbf}
 */
public record OidcProvider(String id, String name, URI issuer, String clientId, Path clientSecretFile, Path clientKeyFile, Audience audience,
                           Set<String> organisations, Match match, boolean requireMfa, Set<String> mfaAcr, Set<String> mfaAmr,
                           List<String> acrValues, List<String> scopes, String identityCodeClaim, Duration clockSkew) {

    /** Who signs in through a provider. */
    public enum Audience { STAFF, PARENTS }

    /** Which claim names an account. */
    public enum Match { SUB, EMAIL, UPN }

    /** A provider id: lower-case letters, digits and '-', 1-32 characters. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    /** 60 seconds: the usual allowance between two servers' clocks kept by NTP, and the Nimbus default. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);

    public OidcProvider {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a provider id is lower-case letters, digits and '-', 1-32 characters, was '" + id + "'");
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(issuer, "issuer");
        if (!"https".equalsIgnoreCase(issuer.getScheme()) && !isLoopback(issuer)) {
            throw new IllegalArgumentException("provider " + id + ": the issuer must be an https:// URL, was " + issuer);
        }
        Objects.requireNonNull(clientId, "clientId");
        if ((clientSecretFile == null) == (clientKeyFile == null)) {
            throw new IllegalArgumentException("provider " + id + ": give exactly one of a client secret file and a client key file");
        }
        Objects.requireNonNull(audience, "audience");
        organisations = Set.copyOf(organisations);
        Objects.requireNonNull(match, "match");
        mfaAcr = Set.copyOf(mfaAcr);
        mfaAmr = Set.copyOf(mfaAmr);
        if (requireMfa && mfaAcr.isEmpty() && mfaAmr.isEmpty()) {
            throw new IllegalArgumentException("provider " + id + ": requiring multi-factor sign-in needs the acr or amr values that show it");
        }
        acrValues = List.copyOf(acrValues);
        scopes = List.copyOf(scopes);
        if (audience == Audience.PARENTS && (identityCodeClaim == null || identityCodeClaim.isBlank())) {
            throw new IllegalArgumentException("provider " + id + ": a parents' provider needs the claim of the personal identity code");
        }
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("provider " + id + ": the clock skew must be 0-600 seconds");
        }
    }

    /** Plain http is allowed only on this machine (a provider in a test). */
    static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        return "http".equalsIgnoreCase(uri.getScheme()) && host != null
                && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1"));
    }
}
