package org.breathgate.attestation;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The TPM vendors a receiver trusts: their root CA certificates, and the intermediate CAs that issue
 * EK certificates (vendors publish these; TPMs rarely store them). In production these are e.g.
 * Infineon's OPTIGA TPM root and manufacturing CAs; in tests, swtpm's local CA.
 *
 * @param roots         self-signed CA certificates: where every EK certificate's chain must end
 * @param intermediates other CA certificates that may appear in a chain (not trusted by themselves)
 */
public record TrustAnchors(List<X509Certificate> roots, List<X509Certificate> intermediates) {

    public TrustAnchors {
        roots = List.copyOf(roots);
        intermediates = List.copyOf(intermediates);
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("no TPM vendor root certificate is configured: attestation cannot succeed");
        }
    }

    /**
     * From PEM texts, each holding one or more certificates: the self-signed ones become roots, the
     * others intermediates.
     */
    public static TrustAnchors fromPem(List<String> pemTexts) {
        List<X509Certificate> roots = new ArrayList<>();
        List<X509Certificate> intermediates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (String pem : pemTexts) {
                for (var c : factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                    X509Certificate x = (X509Certificate) c;
                    (x.getSubjectX500Principal().equals(x.getIssuerX500Principal()) ? roots : intermediates).add(x);
                }
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
        }
        return new TrustAnchors(roots, intermediates);
    }
}
