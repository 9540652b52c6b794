package org.breathgate.agent.publish;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** Builds the TLS socket factory for the broker connection: a trusted CA, and a client certificate for mutual TLS. */
final class TlsSockets {

    private TlsSockets() {
    }

    /**
     * @param caFile         PEM certificate(s) to trust, or empty for the JVM's trust store
     * @param clientKeystore PKCS#12 with the device's client certificate and key, or empty when the
     *                       broker does not ask for one
     */
    static SSLSocketFactory socketFactory(Optional<Path> caFile, Optional<Path> clientKeystore, char[] password)
            throws GeneralSecurityException, IOException {
        TrustManagerFactory tmf = null;
        if (caFile.isPresent()) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(caFile.get())) {
                Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
                if (certs.isEmpty()) {
                    throw new GeneralSecurityException("no certificate in " + caFile.get());
                }
                int i = 0;
                for (Certificate c : certs) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
            }
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
        }
        KeyManagerFactory kmf = null;
        if (clientKeystore.isPresent()) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(clientKeystore.get())) {
                keys.load(in, password);
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return context.getSocketFactory();
    }
}
