package org.breathgate.attestation;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads an EK certificate and checks that it chains to a trusted TPM vendor CA (RFC 5280 path validation by the JDK). */
final class EkCertificates {

    private static final ASN1ObjectIdentifier TPM_MANUFACTURER = new ASN1ObjectIdentifier("2.23.133.2.1");
    private static final ASN1ObjectIdentifier TPM_MODEL = new ASN1ObjectIdentifier("2.23.133.2.2");
    private static final ASN1ObjectIdentifier TPM_VERSION = new ASN1ObjectIdentifier("2.23.133.2.3");

    /** A checked EK certificate: its RSA key, the TPM it names, and the root it chains to. */
    record Verified(X509Certificate certificate, RSAPublicKey ek, String manufacturer, String model, String version, String anchor) {
    }

    private EkCertificates() {
    }

    static Verified verify(byte[] der, List<byte[]> chain, TrustAnchors trust, Instant now) throws AttestationException {
        X509Certificate ek;
        List<X509Certificate> offered = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            ek = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
            for (byte[] c : chain) {
                offered.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(c)));
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new AttestationException(Refusal.EK_CERTIFICATE_INVALID, "the EK certificate (or a chain certificate) is not DER X.509: "
                    + e.getMessage(), e);
        }
        if (!(ek.getPublicKey() instanceof RSAPublicKey rsa) || rsa.getModulus().bitLength() != 2048) {
            throw new AttestationException(Refusal.EK_CERTIFICATE_INVALID, "the EK certificate's key is not a 2048-bit RSA key"
                    + " (Breathgate uses the TPM's RSA 2048 EK, NV index 0x01c00002)");
        }
        checkUsage(ek);
        String anchor;
        List<? extends java.security.cert.Certificate> path;
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate root : trust.roots()) {
                anchors.add(new TrustAnchor(root, null));
            }
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(ek);
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            List<X509Certificate> store = new ArrayList<>(trust.intermediates());
            store.addAll(offered);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(store)));
            // Offline by design: no CRL or OCSP fetch from the receiver; the vendors' CRLs it was given are checked below.
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
            anchor = result.getTrustAnchor().getTrustedCert().getSubjectX500Principal().getName();
            path = result.getCertPath().getCertificates();
        } catch (GeneralSecurityException e) {
            throw new AttestationException(Refusal.EK_UNTRUSTED, "the EK certificate (issuer " + ek.getIssuerX500Principal().getName()
                    + ") does not chain to a configured TPM vendor CA: " + e.getMessage(), e);
        }
        for (var c : path) {
            X509Certificate x = (X509Certificate) c;
            Optional<String> revoked = trust.revocation(x);
            if (revoked.isPresent()) {
                throw new AttestationException(Refusal.EK_REVOKED, (x.equals(ek) ? "the EK certificate (serial " + x.getSerialNumber().toString(16)
                        + ")" : "the CA certificate " + x.getSubjectX500Principal().getName() + " in the EK certificate's chain")
                        + " is " + revoked.get() + ": this TPM's keys are not trusted");
            }
        }
        String[] tpm = tpmAttributes(ek);
        return new Verified(ek, rsa, tpm[0], tpm[1], tpm[2], anchor);
    }

    /** tcg-kp-EKCertificate (TCG EK Credential Profile): the extended key usage of an EK certificate. */
    static final String TCG_KP_EK_CERTIFICATE = "2.23.133.8.1";

    /**
     * An EK certificate that states its uses must state those of an EK: an extended key usage, when present, includes
     * tcg-kp-EKCertificate (so that a vendor CA's TLS or code-signing certificates cannot pass as an EK), and a key usage,
     * when present, allows keyEncipherment (the credential is encrypted to the EK). Certificates without these extensions
     * are accepted, as the TCG profile makes them optional.
     */
    private static void checkUsage(X509Certificate ek) throws AttestationException {
        List<String> eku;
        try {
            eku = ek.getExtendedKeyUsage();
        } catch (java.security.cert.CertificateParsingException e) {
            throw new AttestationException(Refusal.EK_CERTIFICATE_INVALID, "the EK certificate's extended key usage cannot be read", e);
        }
        if (eku != null && !eku.contains(TCG_KP_EK_CERTIFICATE)) {
            throw new AttestationException(Refusal.EK_CERTIFICATE_INVALID, "the certificate's extended key usage " + eku
                    + " does not include tcg-kp-EKCertificate (" + TCG_KP_EK_CERTIFICATE + "): it was not issued as a TPM EK certificate");
        }
        boolean[] keyUsage = ek.getKeyUsage();
        if (keyUsage != null && (keyUsage.length < 3 || !keyUsage[2])) {
            throw new AttestationException(Refusal.EK_CERTIFICATE_INVALID, "the certificate's key usage does not allow keyEncipherment,"
                    + " which an endorsement key's certificate needs");
        }
    }

    /** Manufacturer, model and version from the SAN's directoryName (TCG EK Credential Profile); "unknown" when absent. */
    private static String[] tpmAttributes(X509Certificate ek) {
        String[] out = {"unknown", "unknown", "unknown"};
        byte[] ext = ek.getExtensionValue(Extension.subjectAlternativeName.getId());
        if (ext == null) {
            return out;
        }
        try {
            GeneralNames names = GeneralNames.getInstance(
                    org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets());
            for (GeneralName name : names.getNames()) {
                if (name.getTagNo() != GeneralName.directoryName) {
                    continue;
                }
                for (RDN rdn : X500Name.getInstance(name.getName()).getRDNs()) {
                    for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                        String value = atv.getValue() instanceof ASN1String s ? s.getString() : atv.getValue().toString();
                        if (atv.getType().equals(TPM_MANUFACTURER)) {
                            out[0] = manufacturer(value);
                        } else if (atv.getType().equals(TPM_MODEL)) {
                            out[1] = value;
                        } else if (atv.getType().equals(TPM_VERSION)) {
                            out[2] = value;
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            // An unreadable SAN leaves the TPM unnamed; the chain was checked already.
        }
        return out;
    }

    /** {@code id:49465800} is the TCG vendor id of Infineon, four ASCII letters "IFX\0": show them when they are letters. */
    static String manufacturer(String value) {
        if (value.startsWith("id:") && value.length() == 11) {
            try {
                long id = Long.parseLong(value.substring(3), 16);
                StringBuilder ascii = new StringBuilder();
                for (int shift = 24; shift >= 0; shift -= 8) {
                    int ch = (int) (id >> shift) & 0xff;
                    if (ch == 0) {
                        continue;
                    }
                    if (ch < 0x20 || ch > 0x7e) {
                        return value;
                    }
                    ascii.append((char) ch);
                }
                return ascii.length() == 0 ? value : ascii.toString().strip() + " (" + value + ")";
            } catch (NumberFormatException e) {
                return value;
            }
        }
        return value;
    }
}
