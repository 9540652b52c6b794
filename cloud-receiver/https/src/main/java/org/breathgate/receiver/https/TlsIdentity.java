package org.breathgate.receiver.https;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * One HTTPS listener's identity: a certificate (with its chain) and private key. Either a
 * configured PEM pair (a real deployment with a proper certificate) or, on first start, a
 * self-signed EC P-256 certificate made in the data folder (e.g. {@code tls-cert.pem},
 * {@code tls-key.pem}, both 0600) and reused after. Devices pin it by {@link #fingerprint()}, the
 * SHA-256 of the leaf certificate's DER encoding, so a self-signed certificate is as safe to enroll
 * with as a public one ({@code docs/protocol.md}, "The enrollment line").
 */
public final class TlsIdentity {

    /** File names of the self-signed identity in the data folder. */
    public static final String CERT_FILE = "tls-cert.pem";
    public static final String KEY_FILE = "tls-key.pem";

    private static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(3650);

    private final List<X509Certificate> chain;
    private final PrivateKey key;

    private TlsIdentity(List<X509Certificate> chain, PrivateKey key) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the certificate file holds no certificate");
        }
        this.chain = List.copyOf(chain);
        this.key = Objects.requireNonNull(key, "key");
    }

    /**
     * The identity in {@code dataDir}, made there (self-signed, valid ten years) if absent.
     *
     * @param hostNames names and IP addresses the certificate should name besides
     *                  {@code localhost} and {@code 127.0.0.1} (informational: devices pin the
     *                  fingerprint and do not check names)
     */
    public static TlsIdentity loadOrCreate(Path dataDir, List<String> hostNames) {
        return loadOrCreate(dataDir.resolve(CERT_FILE), dataDir.resolve(KEY_FILE), hostNames);
    }

    /**
     * The identity in {@code certFile} and {@code keyFile}, made there (self-signed, valid ten years, both files 0600) if
     * either is absent: one listener's own certificate (each listener of the receiver has its own, so one can be renewed
     * without touching those who pinned the other).
     */
    public static TlsIdentity loadOrCreate(Path certFile, Path keyFile, List<String> hostNames) {
        if (Files.exists(certFile) && Files.exists(keyFile)) {
            return fromPem(certFile, keyFile);
        }
        TlsIdentity made = selfSigned(hostNames, new SecureRandom());
        Path folder = certFile.toAbsolutePath().getParent();
        try {
            Files.createDirectories(folder);
            writePrivate(keyFile, made.keyPem());
            writePrivate(certFile, made.certificatePem());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the receiver's TLS certificate to " + folder, e);
        }
        return made;
    }

    /** A configured certificate chain (leaf first) and private key, both PEM (PKCS#8, PKCS#1 or SEC1 keys). */
    public static TlsIdentity fromPem(Path certificateFile, Path keyFile) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            try (var in = Files.newInputStream(certificateFile)) {
                for (var c : factory.generateCertificates(in)) {
                    chain.add((X509Certificate) c);
                }
            }
            return new TlsIdentity(chain, readKey(Files.readString(keyFile, StandardCharsets.US_ASCII)));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the TLS certificate " + certificateFile + " and key " + keyFile
                    + " as PEM: " + e.getMessage(), e);
        }
    }

    /** A new self-signed EC P-256 certificate naming localhost, 127.0.0.1, ::1 and {@code hostNames}. */
    public static TlsIdentity selfSigned(List<String> hostNames, SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
            names.addAll(hostNames);
            List<GeneralName> san = new ArrayList<>();
            for (String n : names) {
                san.add(n.matches("[0-9.]+") || n.contains(":") ? new GeneralName(GeneralName.iPAddress, n)
                        : new GeneralName(GeneralName.dNSName, n));
            }
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=Breathgate receiver " + firstNonLoopback(hostNames));
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(128, random).abs().add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(SELF_SIGNED_VALIDITY)), subject, pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san.toArray(GeneralName[]::new)));
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
            return new TlsIdentity(List.of(certificate), pair.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a self-signed TLS certificate: " + e.getMessage(), e);
        }
    }

    private static String firstNonLoopback(List<String> names) {
        return names.stream().filter(n -> !n.equals("localhost") && !n.startsWith("127.")).findFirst().orElse("localhost");
    }

    /** The leaf certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** {@code sha256:<64 lower-case hex>} of the leaf certificate's DER encoding: what devices pin. */
    public String fingerprint() {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint the TLS certificate", e);
        }
    }

    /** The chain as PEM, leaf first. */
    public String certificatePem() {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            for (X509Certificate c : chain) {
                w.writeObject(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s.toString();
    }

    private String keyPem() throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(new PemObject("PRIVATE KEY", key.getEncoded()));
        }
        return s.toString();
    }

    /**
     * A key store (PKCS#12) holding the key and chain under alias {@code receiver}, protected by {@code password}: for a
     * listener that reads key stores, such as the embedded MQTT broker's TLS listener.
     */
    public KeyStore keyStore(char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("receiver", key, password, chain.toArray(X509Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a key store for the TLS certificate: " + e.getMessage(), e);
        }
    }

    private static PrivateKey readKey(String pem) throws IOException {
        try (Reader r = new StringReader(pem); PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IOException("no unencrypted private key in the key file (encrypted keys are not supported)");
        }
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

}
