package org.breathgate.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifyCommandTest {

    @TempDir
    Path dir;

    private JsonNode vector;
    private Path pem;
    private Path jwk;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void writeKeys() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/test-vectors/reading-1.json")) {
            vector = new ObjectMapper().readTree(in);
        }
        pem = Files.writeString(dir.resolve("device.pub.pem"), vector.get("public_key_pem").asText());
        jwk = Files.writeString(dir.resolve("device.jwk.json"), vector.get("public_key_jwk").toString());
    }

    private int run(String stdin, String... args) {
        return VerifyCommand.run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private String compact() {
        return vector.get("compact").asText();
    }

    @Test
    void the_published_vector_is_valid_with_a_pem_key_given_as_an_argument() {
        assertEquals(0, run("", "--key", pem.toString(), compact()));
        assertTrue(out.toString().contains("VALID: reading signed by key home-0001:1 (EdDSA)"), out.toString());
        assertTrue(out.toString().contains("\"brac_ug_l\" : 230"), out.toString());
    }

    @Test
    void the_message_can_come_from_a_file_or_standard_input_and_the_key_as_a_jwk() throws IOException {
        Path file = Files.writeString(dir.resolve("reading.jws"), compact() + "\n");
        assertEquals(0, run("", "--key", jwk.toString(), "--file", file.toString()));
        assertEquals(0, run(compact() + "\n", "--key", pem.toString(), "-"));
        assertEquals(0, run(compact(), "--key", pem.toString()));
    }

    @Test
    void a_changed_value_is_invalid_with_the_reason() {
        String[] parts = compact().split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("230", "23");
        String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertEquals(1, run("", "--key", pem.toString(), forged));
        assertTrue(out.toString().contains("INVALID: bad_signature"), out.toString());
    }

    @Test
    void a_device_other_than_the_signer_is_invalid_when_required() {
        assertEquals(1, run("", "--key", pem.toString(), "--device", "home-0002", compact()));
        assertTrue(out.toString().contains("INVALID: kid_mismatch"), out.toString());
    }

    @Test
    void a_jwk_naming_another_key_is_invalid() throws IOException {
        Path other = Files.writeString(dir.resolve("other.jwk.json"),
                vector.get("public_key_jwk").toString().replace("home-0001:1", "home-0001:2"));
        assertEquals(1, run("", "--key", other.toString(), compact()));
        assertTrue(out.toString().contains("INVALID: unknown_key"), out.toString());
    }

    @Test
    void garbage_is_invalid_not_a_crash() {
        assertEquals(1, run("", "--key", pem.toString(), "not.a.jws"));
        assertTrue(out.toString().contains("INVALID: bad_base64url"), out.toString());
    }

    @Test
    void a_missing_key_option_is_a_usage_error() {
        assertEquals(2, run("", compact()));
        assertTrue(err.toString().contains("--key"), err.toString());
    }

    @Test
    void an_unreadable_key_is_a_usage_error_with_a_clear_message() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.pem"), "hello");
        assertEquals(2, run("", "--key", bad.toString(), compact()));
        assertTrue(err.toString().contains("Cannot use the key"), err.toString());
    }

    private JsonNode es256Vector() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/test-vectors/reading-2-es256.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void the_es256_vector_is_valid_with_a_p256_key_as_pem_or_jwk() throws IOException {
        JsonNode v = es256Vector();
        Path p256Pem = Files.writeString(dir.resolve("tpm.pub.pem"), v.get("public_key_pem").asText());
        Path p256Jwk = Files.writeString(dir.resolve("tpm.jwk.json"), v.get("public_key_jwk").toString());
        assertEquals(0, run("", "--key", p256Pem.toString(), v.get("compact").asText()));
        assertTrue(out.toString().contains("VALID: reading signed by key home-0002:1 (ES256)"), out.toString());
        assertEquals(0, run("", "--key", p256Jwk.toString(), "--device", "home-0002", v.get("compact").asText()));
    }

    @Test
    void an_es256_message_checked_with_an_ed25519_key_and_the_reverse_are_invalid() throws IOException {
        JsonNode v = es256Vector();
        Path p256Pem = Files.writeString(dir.resolve("tpm.pub.pem"), v.get("public_key_pem").asText());
        assertEquals(1, run("", "--key", pem.toString(), v.get("compact").asText()));
        assertTrue(out.toString().contains("INVALID: alg_key_mismatch"), out.toString());
        assertEquals(1, run("", "--key", p256Pem.toString(), compact()));
        assertTrue(out.toString().lastIndexOf("INVALID: alg_key_mismatch") > out.toString().indexOf("INVALID: alg_key_mismatch"), out.toString());
    }
}
