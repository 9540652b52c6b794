package org.breathgate.attestation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A vendor's revocation list, made by OpenSSL's own CA ({@code openssl ca -revoke}, {@code -gencrl}): an EK certificate
 * it lists is refused as {@code ek_revoked}, as is one whose intermediate CA the root's list revokes; the vendor's other
 * EK certificates pass; a list nobody configured signs is refused when configured; a CA without a list is named.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EkRevocationIT {

    private static final String EK_EXTENSIONS = "extendedKeyUsage=2.23.133.8.1\nkeyUsage=critical,keyEncipherment\n";
    private static final String CA_EXTENSIONS = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n";

    @TempDir
    Path dir;

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
    }

    /** A CA kept the way {@code openssl ca} keeps one: its key, certificate, database and serial, with a config file. */
    private void ca(String name, String issuer) throws Exception {
        Files.createDirectories(dir.resolve(name));
        Files.writeString(dir.resolve(name + "/index.txt"), "");
        Files.writeString(dir.resolve(name + ".cnf"), String.join("\n",
                "[ca]", "default_ca = this", "[this]", "dir = " + dir.resolve(name), "database = $dir/index.txt",
                "new_certs_dir = $dir", "serial = $dir/serial", "crlnumber = $dir/crlnumber", "certificate = " + dir.resolve(name + ".pem"),
                "private_key = " + dir.resolve(name + ".key"), "default_md = sha256", "default_days = 30", "default_crl_days = 7",
                "policy = any", "unique_subject = no", "[any]", "commonName = supplied", ""));
        Files.writeString(dir.resolve(name + "/serial"), "1000\n");
        Files.writeString(dir.resolve(name + "/crlnumber"), "01\n");
        if (issuer == null) {
            openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".pem", "-days", "30",
                    "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        } else {
            issue(issuer, name, CA_EXTENSIONS);
        }
    }

    /** A certificate {@code issuer} signs for a new RSA 2048 key {@code name}, with {@code extensions}; left in name.pem. */
    private void issue(String issuer, String name, String extensions) throws Exception {
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        openssl("ca", "-batch", "-config", issuer + ".cnf", "-in", name + ".csr", "-out", name + ".pem", "-extfile", name + ".ext", "-notext");
    }

    private byte[] der(String name) throws Exception {
        openssl("x509", "-in", name + ".pem", "-outform", "DER", "-out", name + ".der");
        return Files.readAllBytes(dir.resolve(name + ".der"));
    }

    private byte[] revokeAndList(String issuer, String revoked, String reason) throws Exception {
        if (revoked != null) {
            openssl("ca", "-config", issuer + ".cnf", "-revoke", revoked + ".pem", "-crl_reason", reason);
        }
        openssl("ca", "-config", issuer + ".cnf", "-gencrl", "-out", issuer + ".crl");
        return Files.readAllBytes(dir.resolve(issuer + ".crl"));
    }

    private TrustAnchors vendor(String... pems) throws Exception {
        List<String> texts = new ArrayList<>();
        for (String p : pems) {
            texts.add(Files.readString(dir.resolve(p + ".pem")));
        }
        return TrustAnchors.fromPem(texts);
    }

    @Test
    void an_ek_certificate_on_its_vendors_list_is_refused_and_the_vendors_others_pass() throws Exception {
        ca("root", null);
        ca("issuer", "root");
        issue("issuer", "ek-flawed", EK_EXTENSIONS);
        issue("issuer", "ek-good", EK_EXTENSIONS);
        TrustAnchors unlisted = vendor("root", "issuer");
        assertEquals(2, unlisted.withoutCrl().size(), "without lists, no CA's certificates are checked");
        EkCertificates.verify(der("ek-flawed"), List.of(), unlisted, Instant.now()); // passes: nothing says it is revoked

        TrustAnchors listed = unlisted.withCrls(List.of(revokeAndList("issuer", "ek-flawed", "keyCompromise")));
        AttestationException e = assertThrows(AttestationException.class,
                () -> EkCertificates.verify(der("ek-flawed"), List.of(), listed, Instant.now()));
        assertEquals(Refusal.EK_REVOKED, e.refusal());
        assertTrue(e.getMessage().contains("the EK certificate (serial") && e.getMessage().contains("CN=issuer")
                && e.getMessage().contains("KEY_COMPROMISE"), e.getMessage());
        assertEquals("CN=root", EkCertificates.verify(der("ek-good"), List.of(), listed, Instant.now()).anchor());
        assertEquals(List.of("CN=root"), listed.withoutCrl().stream().map(c -> c.getSubjectX500Principal().getName()).toList(),
                "the root has no list: the intermediate it issued is not checked");
        assertEquals(List.of(), listed.staleCrls(Instant.now()));
        assertEquals(1, listed.staleCrls(Instant.now().plus(java.time.Duration.ofDays(8))).size(), "a week's list is stale after a week");
    }

    @Test
    void an_ek_certificate_whose_issuing_ca_the_root_revoked_is_refused() throws Exception {
        ca("root", null);
        ca("issuer", "root");
        issue("issuer", "ek", EK_EXTENSIONS);
        TrustAnchors trust = vendor("root", "issuer").withCrls(List.of(revokeAndList("root", "issuer", "cACompromise"),
                revokeAndList("issuer", null, null)));
        AttestationException e = assertThrows(AttestationException.class,
                () -> EkCertificates.verify(der("ek"), List.of(), trust, Instant.now()));
        assertEquals(Refusal.EK_REVOKED, e.refusal());
        assertTrue(e.getMessage().contains("the CA certificate CN=issuer"), e.getMessage());
        assertEquals(List.of(), trust.withoutCrl());
    }

    @Test
    void a_list_no_configured_ca_signed_is_refused_when_configured() throws Exception {
        ca("root", null);
        ca("other", null);
        byte[] foreign = revokeAndList("other", null, null);
        TrustAnchors trust = vendor("root");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trust.withCrls(List.of(foreign)));
        assertTrue(e.getMessage().contains("CN=other"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> trust.withCrls(List.of("not a list".getBytes(StandardCharsets.US_ASCII))));
    }
}
