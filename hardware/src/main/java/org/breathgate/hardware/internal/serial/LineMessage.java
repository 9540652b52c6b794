package org.breathgate.hardware.internal.serial;

import java.util.List;
import java.util.Objects;

/**
 * One line of the Breathgate line protocol without its framing: a type and its fields, e.g.
 * {@code RESULT,230,2100,342}. Public so that the simulator and tests speak the protocol with the
 * same code as the driver.
 */
public record LineMessage(List<String> fields) {

    /** Longest body ({@code $} to {@code *}, exclusive) either side may send. */
    public static final int MAX_BODY = 120;

    public LineMessage {
        fields = List.copyOf(fields);
        if (fields.isEmpty() || fields.get(0).isEmpty()) {
            throw new IllegalArgumentException("a line needs a type");
        }
        int length = fields.size() - 1;
        for (String field : fields) {
            for (int i = 0; i < field.length(); i++) {
                char c = field.charAt(i);
                if (c < 0x20 || c > 0x7E || c == '$' || c == '*' || c == ',') {
                    throw new IllegalArgumentException("field " + field + " has a character not allowed in a line: 0x"
                            + Integer.toHexString(c));
                }
            }
            length += field.length();
        }
        if (length > MAX_BODY) {
            throw new IllegalArgumentException("line body longer than " + MAX_BODY + " characters");
        }
    }

    public static LineMessage of(String... fields) {
        return new LineMessage(List.of(fields));
    }

    public String type() {
        return fields.get(0);
    }

    /** Field {@code index} (0 is the type), or "" when the line is shorter. */
    public String field(int index) {
        return index < fields.size() ? fields.get(index) : "";
    }

    public boolean is(String type, String first) {
        return type().equals(type) && field(1).equals(first);
    }

    /** The body as sent: fields joined by commas. */
    public String body() {
        return String.join(",", fields);
    }

    @Override
    public String toString() {
        return body();
    }
}
