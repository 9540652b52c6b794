package org.breathgate.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/protocol.md must show the same example as the test vector, and name every error code. */
class ProtocolDocTest {

    private static final Path DOC = Path.of("..", "docs", "protocol.md");

    private static JsonNode vector(String name) throws IOException {
        try (InputStream in = ProtocolDocTest.class.getResourceAsStream("/test-vectors/" + name)) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void the_worked_examples_are_the_test_vectors() throws IOException {
        String doc = Files.readString(DOC);
        for (String name : new String[] {"reading-1.json", "reading-2-es256.json"}) {
            JsonNode v = vector(name);
            for (String field : new String[] {"compact", "payload_json", "private_key_pem", "public_key_pem", "protected_header_json"}) {
                assertTrue(doc.contains(v.get(field).asText().strip()), "docs/protocol.md lacks " + name + "'s " + field);
            }
            assertTrue(doc.contains(v.get("public_key_jwk").toString()), "docs/protocol.md lacks " + name + "'s JWK");
        }
    }

    @Test
    void every_rejection_code_is_documented() throws IOException {
        String doc = Files.readString(DOC);
        Arrays.stream(Rejection.values()).forEach(r ->
                assertTrue(doc.contains("`" + r.code() + "`"), "docs/protocol.md does not name " + r.code()));
    }

    @Test
    void every_enum_value_on_the_wire_is_documented() throws IOException {
        String doc = Files.readString(DOC);
        for (Enum<?>[] values : new Enum<?>[][] {Outcome.values(), AbortReason.values(), TamperKind.values(),
                SensorState.values(), Ack.Result.values(), MessageType.values(), SupportNeed.values(), SupportReply.State.values(),
                SupportReply.Role.values()}) {
            for (Enum<?> value : values) {
                String wire = value instanceof MessageType t ? t.wireName() : value.name().toLowerCase(java.util.Locale.ROOT);
                assertTrue(doc.contains("`" + wire + "`"), "docs/protocol.md does not name " + wire);
            }
        }
    }
}
