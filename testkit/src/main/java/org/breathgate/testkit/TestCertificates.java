package org.breathgate.testkit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;

/**
 * A throw-away certificate authority and a server certificate for {@code 127.0.0.1} and
 * {@code localhost}, made with the {@code openssl} command, for TLS listeners in tests.
 *
 * @param caCertificate     the CA certificate (PEM) clients trust
 * @param serverCertificate the server certificate (PEM), signed by the CA
 * @param serverKey         the server's private key (PEM, unencrypted)
 */
public record TestCertificates(Path caCertificate, Path serverCertificate, Path serverKey) {

    /** Makes a CA and a server certificate in {@code dir}; needs {@code openssl} on the PATH. */
    public static TestCertificates create(Path dir) {
        try {
            Files.createDirectories(dir);
            Path caKey = dir.resolve("ca.key");
            Path caCert = dir.resolve("ca.crt");
            Path serverKey = dir.resolve("server.key");
            Path csr = dir.resolve("server.csr");
            Path serverCert = dir.resolve("server.crt");
            Path ext = dir.resolve("server.ext");
            Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
            openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", caKey.toString(), "-out", caCert.toString(), "-days", "30", "-subj", "/CN=Breathgate Test CA");
            openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", serverKey.toString(), "-out", csr.toString(), "-subj", "/CN=localhost");
            openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                    "-CAcreateserial", "-out", serverCert.toString(), "-days", "30", "-extfile", ext.toString());
            return new TestCertificates(caCert, serverCert, serverKey);
        } catch (IOException e) {
            throw new IllegalStateException("could not write test certificates in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A socket factory that trusts only this CA, for Paho's {@code setSocketFactory}. */
    public SSLSocketFactory clientSocketFactory() {
        try (InputStream in = Files.newInputStream(caCertificate)) {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("breathgate-test-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(null, tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not load test CA " + caCertificate + ": " + e.getMessage(), e);
        }
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Path log = dir.resolve("openssl.log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("openssl " + args[0] + " took more than 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed with exit code "
                    + process.exitValue() + ":\n" + Files.readString(log));
        }
    }
}
