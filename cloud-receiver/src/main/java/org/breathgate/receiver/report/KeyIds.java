package org.breathgate.receiver.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Which key signed a stored event: the {@code kid} in the protected header of its compact signed form. */
public final class KeyIds {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyIds() {
    }

    /** The {@code kid} (e.g. {@code home-0001:1}) of {@code compact}, or {@code unknown} if it cannot be read. */
    public static String of(String compact) {
        try {
            int dot = compact.indexOf('.');
            JsonNode header = JSON.readTree(new String(Base64.getUrlDecoder().decode(compact.substring(0, dot)), StandardCharsets.UTF_8));
            return header.path("kid").asText("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
