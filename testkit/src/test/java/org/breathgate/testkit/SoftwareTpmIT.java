package org.breathgate.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SoftwareTpmIT {

    @TempDir
    Path dir;

    @Test
    void a_started_tpm_answers_and_holds_an_ek_certificate_from_its_ca() throws Exception {
        SoftwareTpm.LocalCa ca = SoftwareTpm.LocalCa.in(dir.resolve("ca"));
        try (SoftwareTpm tpm = SoftwareTpm.start(dir.resolve("tpm"), ca)) {
            SoftwareTpm.Result cap = tpm.tpm2("tpm2_getcap", "properties-fixed");
            assertEquals(0, cap.exit(), cap.output());
            assertTrue(cap.output().contains("TPM2_PT_FAMILY_INDICATOR"), cap.output());
            SoftwareTpm.Result ek = tpm.tpm2("tpm2_nvread", "0x1c00002", "-o", "ek.der");
            assertEquals(0, ek.exit(), ek.output());
            assertTrue(Files.size(dir.resolve("tpm").resolve("ek.der")) > 500);
            assertTrue(Files.readString(ca.rootCertificate()).contains("BEGIN CERTIFICATE"));
        }
    }

    @Test
    void two_tpms_are_two_tpms_and_a_closed_one_is_gone() throws Exception {
        SoftwareTpm.LocalCa ca = SoftwareTpm.LocalCa.in(dir.resolve("ca"));
        try (SoftwareTpm one = SoftwareTpm.start(dir.resolve("one"), ca); SoftwareTpm two = SoftwareTpm.start(dir.resolve("two"), ca)) {
            assertNotEquals(one.tcti(), two.tcti());
            assertEquals(0, one.tpm2("tpm2_readpublic", "-c", "0x81010001", "-o", "ek.pub").exit());
            assertEquals(0, two.tpm2("tpm2_readpublic", "-c", "0x81010001", "-o", "ek.pub").exit());
            assertFalse(java.util.Arrays.equals(Files.readAllBytes(dir.resolve("one/ek.pub")), Files.readAllBytes(dir.resolve("two/ek.pub"))));
            one.close();
            assertFalse(one.isRunning());
            assertNotEquals(0, one.tpm2("tpm2_getcap", "properties-fixed").exit());
        }
    }

    @Test
    void a_restart_on_a_port_a_connection_took_fails_at_once_and_says_what_swtpm_logged() throws Exception {
        SoftwareTpm.LocalCa ca = SoftwareTpm.LocalCa.in(dir.resolve("ca"));
        try (SoftwareTpm tpm = SoftwareTpm.start(dir.resolve("tpm"), ca)) {
            int port = Integer.parseInt(tpm.tcti().substring(tpm.tcti().lastIndexOf('=') + 1));
            tpm.kill();
            // what made a CI run fail: while the TPM was down, a connection of another test got its port as its own local port
            try (java.net.ServerSocket elsewhere = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                 java.net.Socket squatter = new java.net.Socket()) {
                squatter.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
                squatter.connect(elsewhere.getLocalSocketAddress());
                long start = System.nanoTime();
                IllegalStateException e = assertThrows(IllegalStateException.class, tpm::restart);
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
                assertTrue(seconds < 10, "it did not wait out the start timeout for a process that had exited: " + seconds + " s");
                assertTrue(e.getMessage().contains("(it exited)"), e.getMessage());
                assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("address already in use"), "swtpm's own reason: " + e.getMessage());
            }
            tpm.restart();
            assertEquals(0, tpm.tpm2("tpm2_getcap", "properties-fixed").exit(), "the same TPM answers once its port is free again");
        }
    }

    @Test
    void the_vendor_publishes_a_revocation_list_of_the_ek_certificates_it_names() throws Exception {
        SoftwareTpm.LocalCa ca = SoftwareTpm.LocalCa.in(dir.resolve("ca"));
        try (SoftwareTpm one = SoftwareTpm.start(dir.resolve("one"), ca); SoftwareTpm two = SoftwareTpm.start(dir.resolve("two"), ca)) {
            java.security.cert.X509Certificate revoked = one.ekCertificate();
            java.security.cert.X509Certificate kept = two.ekCertificate();
            assertEquals("CN=swtpm-localca", revoked.getIssuerX500Principal().getName());
            assertEquals("CN=swtpm-localca", kept.getIssuerX500Principal().getName());
            Path file = ca.revocationList(dir.resolve("vendor.crl"), revoked.getSerialNumber());
            java.security.cert.X509CRL crl;
            try (var in = Files.newInputStream(file)) {
                crl = (java.security.cert.X509CRL) java.security.cert.CertificateFactory.getInstance("X.509").generateCRL(in);
            }
            try (var in = Files.newInputStream(ca.issuerCertificate())) {
                crl.verify(java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in).getPublicKey());
            }
            assertTrue(crl.isRevoked(revoked));
            assertFalse(crl.isRevoked(kept));
        }
    }
}
