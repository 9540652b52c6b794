package org.breathgate.testkit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A TLS client context that trusts exactly one server certificate, the way a device pins the
 * receiver's self-signed certificate: for tests that talk HTTPS to a receiver started in the test.
 */
public final class PinnedTls {

    private PinnedTls() {
    }

    /** Trusts {@code only} as the server's certificate and nothing else; never presents a client certificate. */
    public static SSLContext trusting(X509Certificate only) throws GeneralSecurityException {
        Objects.requireNonNull(only, "only");
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("server only");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                if (chain == null || chain.length == 0 || !chain[0].equals(only)) {
                    throw new CertificateException("not the pinned server certificate");
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return tls;
    }
}
