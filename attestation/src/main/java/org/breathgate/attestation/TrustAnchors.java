package org.breathgate.attestation;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * The TPM vendors a receiver trusts: their root CA certificates, the intermediate CAs that issue EK certificates (vendors
 * publish these; TPMs rarely store them), and the vendors' certificate revocation lists. In production these are e.g.
 * Infineon's OPTIGA TPM root and manufacturing CAs and their CRLs; in tests, swtpm's local CA or OpenSSL's.
 *
 * <p>Revocation is checked offline, against the CRLs given here only (the receiver never fetches one): a certificate in an
 * EK's chain whose issuer has a CRL here is refused when that CRL lists it ({@link Refusal#EK_REVOKED}); a certificate whose
 * issuer has none is not checked for revocation ({@link #withoutCrl()} names those CAs, for the operator). A CRL past its
 * {@code nextUpdate} is still used, since what it revoked stays revoked ({@link #staleCrls} names it, so that the operator
 * fetches a new one).
 *
 * @param roots         self-signed CA certificates: where every EK certificate's chain must end
 * @param intermediates other CA certificates that may appear in a chain (not trusted by themselves)
 * @param crls          revocation lists, each issued and signed by one of the roots or intermediates
 */
public record TrustAnchors(List<X509Certificate> roots, List<X509Certificate> intermediates, List<X509CRL> crls) {

    public TrustAnchors {
        roots = List.copyOf(roots);
        intermediates = List.copyOf(intermediates);
        crls = List.copyOf(crls);
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("no TPM vendor root certificate is configured: attestation cannot succeed");
        }
        for (X509CRL crl : crls) {
            if (issuerOf(crl, roots, intermediates).isEmpty()) {
                throw new IllegalArgumentException("the CRL of " + crl.getIssuerX500Principal().getName()
                        + " is not signed by any configured TPM vendor CA certificate: give that CA's certificate too");
            }
        }
    }

    /** Without revocation lists. */
    public TrustAnchors(List<X509Certificate> roots, List<X509Certificate> intermediates) {
        this(roots, intermediates, List.of());
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

    /**
     * These anchors with the revocation lists in {@code crlFiles} added, each file's bytes a DER CRL or PEM text holding one
     * or more ({@code -----BEGIN X509 CRL-----}), as vendors publish them.
     *
     * @throws IllegalArgumentException if a file holds no CRL, or a CRL is not signed by a configured CA
     */
    public TrustAnchors withCrls(List<byte[]> crlFiles) {
        List<X509CRL> all = new ArrayList<>(crls);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (byte[] file : crlFiles) {
                var read = factory.generateCRLs(new ByteArrayInputStream(file));
                if (read.isEmpty()) {
                    throw new IllegalArgumentException("no CRL in it");
                }
                read.forEach(c -> all.add((X509CRL) c));
            }
        } catch (CertificateException | CRLException e) {
            throw new IllegalArgumentException("not a CRL (DER, or PEM -----BEGIN X509 CRL-----): " + e.getMessage(), e);
        }
        return new TrustAnchors(roots, intermediates, all);
    }

    /**
     * Why {@code certificate} is revoked, if a configured CRL of its issuer lists it: e.g. "revoked by CN=… on
     * 2026-11-02T10:00:00Z (keyCompromise)".
     */
    public Optional<String> revocation(X509Certificate certificate) {
        for (X509CRL crl : crls) {
            if (crl.getIssuerX500Principal().equals(certificate.getIssuerX500Principal())) {
                X509CRLEntry entry = crl.getRevokedCertificate(certificate);
                if (entry != null) {
                    return Optional.of("revoked by " + crl.getIssuerX500Principal().getName() + " on "
                            + entry.getRevocationDate().toInstant()
                            + (entry.getRevocationReason() == null ? "" : " (" + entry.getRevocationReason() + ")"));
                }
            }
        }
        return Optional.empty();
    }

    /** The configured CAs that have no CRL here: certificates they issued are not checked for revocation. */
    public List<X509Certificate> withoutCrl() {
        List<X509Certificate> out = new ArrayList<>();
        for (List<X509Certificate> cas : List.of(roots, intermediates)) {
            for (X509Certificate ca : cas) {
                if (crls.stream().noneMatch(crl -> crl.getIssuerX500Principal().equals(ca.getSubjectX500Principal()))) {
                    out.add(ca);
                }
            }
        }
        return out;
    }

    /** The CRLs whose {@code nextUpdate} is before {@code now}: their vendor has published a newer one to fetch. */
    public List<X509CRL> staleCrls(Instant now) {
        return crls.stream().filter(c -> c.getNextUpdate() != null && c.getNextUpdate().before(Date.from(now))).toList();
    }

    private static Optional<X509Certificate> issuerOf(X509CRL crl, List<X509Certificate> roots, List<X509Certificate> intermediates) {
        for (List<X509Certificate> cas : List.of(roots, intermediates)) {
            for (X509Certificate ca : cas) {
                if (ca.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
                    try {
                        crl.verify(ca.getPublicKey());
                        return Optional.of(ca);
                    } catch (GeneralSecurityException e) {
                        // another CA of the same name, or a forged list: try the next
                    }
                }
            }
        }
        return Optional.empty();
    }
}
