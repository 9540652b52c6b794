package org.breathgate.receiver.app.config;

import org.breathgate.receiver.care.signin.oidc.OidcProvider;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.breathgate.receiver.app.config.ReceiverConfig.SIGNIN_OIDC_PREFIX;
import static org.breathgate.receiver.app.config.ReceiverConfig.SIGNIN_PASSWORD_HASHES_AT_ONCE;
import static org.breathgate.receiver.app.config.ReceiverConfig.SIGNIN_SECOND_FACTOR;
import static org.breathgate.receiver.app.config.ReceiverConfig.SIGNIN_SECRET_FILE;
import static org.breathgate.receiver.app.config.ReceiverConfig.SIGNIN_SHOW_WORKER_NAMES;
import static org.breathgate.receiver.app.config.ReceiverConfig.WEB_TRUSTED_PROXIES;

/** Reads the sign-in keys ({@code signin.*}, {@code web.trusted-proxies}) into {@link ReceiverConfig.SignIn}. */
final class SignInConfig {

    private SignInConfig() {
    }

    static ReceiverConfig.SignIn signIn(Map<String, String> v, Path dataDir) {
        String factor = v.getOrDefault(SIGNIN_SECOND_FACTOR, "required");
        if (!factor.equals("required") && !factor.equals("off-demo-only")) {
            throw new ConfigException(SIGNIN_SECOND_FACTOR + " must be required or off-demo-only (never in a real service), was '"
                    + factor + "'");
        }
        Path secret = Path.of(v.getOrDefault(SIGNIN_SECRET_FILE, dataDir.resolve("signin-secret").toString()));
        int hashes = ReceiverConfigLoader.intSetting(v, SIGNIN_PASSWORD_HASHES_AT_ONCE, 4, 1, 64);
        List<String> proxies = list(v.get(WEB_TRUSTED_PROXIES));
        try {
            org.breathgate.receiver.web.auth.TrustedProxies.of(proxies);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(WEB_TRUSTED_PROXIES + ": " + e.getMessage(), e);
        }
        boolean names = ReceiverConfigLoader.booleanSetting(v, SIGNIN_SHOW_WORKER_NAMES, false);
        return new ReceiverConfig.SignIn(providers(v), factor.equals("required"), secret, hashes, proxies, names);
    }

    private static List<OidcProvider> providers(Map<String, String> v) {
        Set<String> ids = new TreeSet<>();
        for (String key : v.keySet()) {
            if (key.startsWith(SIGNIN_OIDC_PREFIX)) {
                String rest = key.substring(SIGNIN_OIDC_PREFIX.length());
                ids.add(rest.substring(0, rest.indexOf('.')));
            }
        }
        List<OidcProvider> providers = new ArrayList<>();
        for (String id : ids) {
            String p = SIGNIN_OIDC_PREFIX + id + ".";
            if (!OidcProvider.ID.matcher(id).matches()) {
                throw new ConfigException(p + "*: a provider id is lower-case letters, digits and '-', 1-32 characters");
            }
            String issuer = required(v, p + "issuer", "the provider's issuer URL, e.g. https://login.microsoftonline.com/<tenant>/v2.0");
            URI issuerUri;
            try {
                issuerUri = new URI(issuer);
            } catch (URISyntaxException e) {
                throw new ConfigException(p + "issuer is not a URL: '" + issuer + "'", e);
            }
            String audience = v.getOrDefault(p + "for", "staff");
            if (!audience.equals("staff") && !audience.equals("parents")) {
                throw new ConfigException(p + "for must be staff or parents, was '" + audience + "'");
            }
            String match = v.getOrDefault(p + "match", "sub");
            if (!Set.of("sub", "email", "upn").contains(match)) {
                throw new ConfigException(p + "match must be sub, email or upn, was '" + match + "'");
            }
            int skew = ReceiverConfigLoader.intSetting(v, p + "clock-skew-seconds", (int) OidcProvider.DEFAULT_CLOCK_SKEW.getSeconds(), 0, 600);
            List<String> scopes = v.containsKey(p + "scopes") ? list(v.get(p + "scopes"))
                    : audience.equals("staff") ? List.of("email", "profile") : List.of();
            try {
                providers.add(new OidcProvider(id, v.getOrDefault(p + "name", id), issuerUri,
                        required(v, p + "client-id", "Breathgate's client id at the provider"),
                        ReceiverConfigLoader.readableFileSetting(v, p + "client-secret-file"),
                        ReceiverConfigLoader.readableFileSetting(v, p + "client-key-file"),
                        audience.equals("staff") ? OidcProvider.Audience.STAFF : OidcProvider.Audience.PARENTS,
                        Set.copyOf(list(v.get(p + "organisations"))),
                        OidcProvider.Match.valueOf(match.toUpperCase(Locale.ROOT)),
                        ReceiverConfigLoader.booleanSetting(v, p + "require-mfa", audience.equals("staff")),
                        Set.copyOf(list(v.get(p + "mfa-acr"))),
                        Set.copyOf(v.containsKey(p + "mfa-amr") ? list(v.get(p + "mfa-amr")) : List.of("mfa")),
                        list(v.get(p + "acr-values")), scopes,
                        v.getOrDefault(p + "identity-code-claim", audience.equals("parents") ? "urn:oid:1.2.246.21" : null),
                        Duration.ofSeconds(skew)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(p + "*: " + e.getMessage(), e);
            }
        }
        return providers;
    }

    private static String required(Map<String, String> v, String key, String what) {
        String s = v.get(key);
        if (s == null) {
            throw new ConfigException(key + " is required: " + what);
        }
        return s;
    }

    /** A comma- or space-separated list. */
    static List<String> list(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isBlank()).collect(Collectors.toList());
    }
}
