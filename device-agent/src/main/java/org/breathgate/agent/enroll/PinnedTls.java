package org.breathgate.agent.enroll;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS that trusts exactly one certificate: the receiver's, named by the SHA-256 of its DER
 * encoding ({@code sha256:<64 hex>}), as the enrollment line gives it. No CA is consulted and the
 * host name does not matter — the pin is stronger than both — so a receiver with a self-signed
 * certificate on a bare IP address is as safe to enroll with as one with a public certificate. Any
 * other certificate ends the handshake; {@link #presented()} then tells what was offered, for the
 * technician's message.
 */
public final class PinnedTls {

    private final String fingerprint;
    private final AtomicReference<String> presented = new AtomicReference<>();

    private PinnedTls(String fingerprint) {
        this.fingerprint = fingerprint;
    }

    /**
     * @param fingerprint {@code sha256:} and 64 hex digits (colons and upper case accepted, as
     *     {@code openssl x509 -fingerprint -sha256} prints them)
     * @throws IllegalArgumentException if it is not such a fingerprint
     */
    public static PinnedTls of(String fingerprint) {
        return new PinnedTls(normalise(fingerprint));
    }

    /** {@code sha256:<64 lower-case hex>} from the forms people paste, or an exception saying what is expected. */
    public static String normalise(String fingerprint) {
        Objects.requireNonNull(fingerprint, "fingerprint");
        String f = fingerprint.strip().toLowerCase(Locale.ROOT);
        if (f.startsWith("sha256:")) {
            f = f.substring("sha256:".length());
        } else if (f.startsWith("sha256 fingerprint=")) {
            f = f.substring("sha256 fingerprint=".length());
        }
        f = f.replace(":", "");
        if (!f.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("the certificate fingerprint must be sha256: followed by 64 hex digits,"
                    + " as shown in the enrollment line");
        }
        return "sha256:" + f;
    }

    /** {@code sha256:<hex>} of a certificate's DER encoding. */
    public static String fingerprintOf(X509Certificate certificate) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate: " + e.getMessage(), e);
        }
    }

    /** The pinned fingerprint. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The fingerprint of the last certificate a server presented that did not match, if any. */
    public String presented() {
        return presented.get();
    }

    /** An SSL context whose only trust is the pin. */
    public SSLContext context() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new Pin()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JVM: " + e.getMessage(), e);
        }
    }

    /** An {@link X509ExtendedTrustManager}, so the JDK adds no host name check of its own. */
    private final class Pin extends X509ExtendedTrustManager {
        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server presented no certificate");
            }
            String seen = fingerprintOf(chain[0]);
            if (!MessageDigest.isEqual(seen.getBytes(), fingerprint.getBytes())) {
                presented.set(seen);
                throw new CertificateException("the server's certificate " + seen + " is not the pinned " + fingerprint);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this trust manager is for servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("this trust manager is for servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("this trust manager is for servers only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
