package org.breathgate.attestation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An EK certificate's stated uses, with certificates made by OpenSSL under a trusted root: a certificate whose extended
 * key usage lacks tcg-kp-EKCertificate (say a vendor's TLS server certificate), or whose key usage does not allow
 * keyEncipherment, is refused as {@code ek_certificate_invalid} even though it chains to the vendor's root; one with
 * tcg-kp-EKCertificate passes the usage check and reaches the AK check.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EkCertificateUsageIT {

    @TempDir
    Path dir;

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
    }

    /** A root, and an RSA 2048 leaf it signs with the given extensions; returns the leaf's DER. */
    private byte[] leaf(String name, String extensions) throws Exception {
        if (!Files.exists(dir.resolve("root.pem"))) {
            openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.pem", "-days", "30",
                    "-subj", "/CN=Test TPM Vendor Root", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
        }
        Files.writeString(dir.resolve(name + ".ext"), extensions + "\n");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial", "-days", "30",
                "-extfile", name + ".ext", "-outform", "DER", "-out", name + ".der");
        return Files.readAllBytes(dir.resolve(name + ".der"));
    }

    private Refusal refusal(byte[] ekDer) throws Exception {
        TrustAnchors trust = TrustAnchors.fromPem(List.of(Files.readString(dir.resolve("root.pem"))));
        return assertThrows(AttestationException.class,
                () -> EkCertificates.verify(ekDer, List.of(), trust, Instant.now())).refusal();
    }

    @Test
    void a_certificate_not_issued_as_an_ek_certificate_is_refused_though_it_chains_to_the_vendor() throws Exception {
        assertEquals(Refusal.EK_CERTIFICATE_INVALID, refusal(leaf("tls", "extendedKeyUsage=serverAuth\nkeyUsage=keyEncipherment")));
        assertEquals(Refusal.EK_CERTIFICATE_INVALID, refusal(leaf("signing", "extendedKeyUsage=2.23.133.8.1\nkeyUsage=digitalSignature")));
    }

    @Test
    void an_ek_certificate_with_the_tcg_usage_passes_the_usage_and_chain_checks() throws Exception {
        byte[] ek = leaf("ek", "extendedKeyUsage=2.23.133.8.1\nkeyUsage=critical,keyEncipherment");
        TrustAnchors trust = TrustAnchors.fromPem(List.of(Files.readString(dir.resolve("root.pem"))));
        EkCertificates.Verified verified = EkCertificates.verify(ek, List.of(), trust, Instant.now());
        assertEquals("CN=Test TPM Vendor Root", verified.anchor());
    }
}
