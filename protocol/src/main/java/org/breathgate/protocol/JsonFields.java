package org.breathgate.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the fields of one JSON object strictly (right JSON types, no silent coercion) and keeps
 * track of which keys were read, so unknown keys can be preserved as extensions.
 */
final class JsonFields {

    private final ObjectNode node;
    private final String path;
    private final Set<String> read = new HashSet<>();
    private final List<JsonFields> children = new ArrayList<>();

    JsonFields(ObjectNode node, String path) {
        this.node = node;
        this.path = path;
    }

    String where(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private JsonNode required(String key) throws InvalidMessageException {
        read.add(key);
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            throw new InvalidMessageException(Rejection.MISSING_FIELD, where(key) + " is required");
        }
        return value;
    }

    private JsonNode optional(String key) {
        read.add(key);
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value;
    }

    boolean has(String key) {
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    String text(String key) throws InvalidMessageException {
        return asText(key, required(key));
    }

    String optText(String key) throws InvalidMessageException {
        JsonNode value = optional(key);
        return value == null ? null : asText(key, value);
    }

    private String asText(String key, JsonNode value) throws InvalidMessageException {
        if (!value.isTextual()) {
            throw invalid(key, "must be a string");
        }
        return value.textValue();
    }

    long longValue(String key) throws InvalidMessageException {
        return asLong(key, required(key));
    }

    private long asLong(String key, JsonNode value) throws InvalidMessageException {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw invalid(key, "must be a whole number");
        }
        return value.longValue();
    }

    int intValue(String key) throws InvalidMessageException {
        return asInt(key, required(key));
    }

    Integer optInt(String key) throws InvalidMessageException {
        JsonNode value = optional(key);
        return value == null ? null : asInt(key, value);
    }

    private int asInt(String key, JsonNode value) throws InvalidMessageException {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw invalid(key, "must be a whole number in 32-bit range");
        }
        return value.intValue();
    }

    boolean bool(String key) throws InvalidMessageException {
        JsonNode value = required(key);
        if (!value.isBoolean()) {
            throw invalid(key, "must be true or false");
        }
        return value.booleanValue();
    }

    Boolean optBool(String key) throws InvalidMessageException {
        JsonNode value = optional(key);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw invalid(key, "must be true or false");
        }
        return value.booleanValue();
    }

    Instant optInstant(String key) throws InvalidMessageException {
        return optText(key) == null ? null : instant(key);
    }

    Instant instant(String key) throws InvalidMessageException {
        String text = text(key);
        try {
            Instant common = utcSeconds(text);
            return common != null ? common : Instant.parse(text);
        } catch (DateTimeException e) {
            throw invalid(key, "must be an ISO-8601 UTC instant like 2026-11-25T06:00:00Z, was '" + text + "'");
        }
    }

    /**
     * The common shape {@code yyyy-MM-ddTHH:mm:ssZ} read directly, as {@link Instant#parse} would read it (a profile of the
     * receiver's ingest put {@code Instant.parse} at 7 % of its verifying threads: every message carries its wall clock);
     * null for any other text, which {@link Instant#parse} then reads or refuses as before (fractions, a leap second, an
     * impossible date: all left to it).
     */
    static Instant utcSeconds(String text) {
        if (text.length() != 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
                || text.charAt(16) != ':' || text.charAt(19) != 'Z') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > LocalDate.of(year, month, 1).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400L + hour * 3_600L + minute * 60L + second);
    }

    /** The decimal number in {@code text[from, to)}, or -1 if a character is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    LocalDate optDate(String key) throws InvalidMessageException {
        String text = optText(key);
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeException e) {
            throw invalid(key, "must be a date like 2027-05-01, was '" + text + "'");
        }
    }

    LocalTime time(String key) throws InvalidMessageException {
        String text = text(key);
        try {
            return LocalTime.parse(text);
        } catch (DateTimeException e) {
            throw invalid(key, "must be a local time like 08:00, was '" + text + "'");
        }
    }

    ZoneId zone(String key) throws InvalidMessageException {
        String text = text(key);
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            throw invalid(key, "must be a time-zone id like Europe/Helsinki, was '" + text + "'");
        }
    }

    <E extends Enum<E>> E enumValue(String key, Class<E> type) throws InvalidMessageException {
        return asEnum(key, text(key), type);
    }

    <E extends Enum<E>> E optEnum(String key, Class<E> type) throws InvalidMessageException {
        String text = optText(key);
        return text == null ? null : asEnum(key, text, type);
    }

    private <E extends Enum<E>> E asEnum(String key, String text, Class<E> type) throws InvalidMessageException {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().toLowerCase(java.util.Locale.ROOT).equals(text)) {
                return constant;
            }
        }
        throw invalid(key, "has unknown value '" + text + "'");
    }

    JsonFields object(String key) throws InvalidMessageException {
        JsonNode value = required(key);
        if (!value.isObject()) {
            throw invalid(key, "must be an object");
        }
        return child(new JsonFields((ObjectNode) value, where(key)));
    }

    private JsonFields child(JsonFields fields) {
        children.add(fields);
        return fields;
    }

    List<JsonFields> objects(String key) throws InvalidMessageException {
        List<JsonFields> out = new ArrayList<>();
        int i = 0;
        for (JsonNode element : array(key)) {
            if (!element.isObject()) {
                throw invalid(key, "must hold only objects");
            }
            out.add(child(new JsonFields((ObjectNode) element, where(key) + "[" + i++ + "]")));
        }
        return out;
    }

    List<Integer> ints(String key) throws InvalidMessageException {
        List<Integer> out = new ArrayList<>();
        for (JsonNode element : array(key)) {
            out.add(asInt(key, element));
        }
        return out;
    }

    List<String> texts(String key) throws InvalidMessageException {
        List<String> out = new ArrayList<>();
        for (JsonNode element : array(key)) {
            out.add(asText(key, element));
        }
        return out;
    }

    private JsonNode array(String key) throws InvalidMessageException {
        JsonNode value = required(key);
        if (!value.isArray()) {
            throw invalid(key, "must be an array");
        }
        if (value.size() > Ack.MAX_ENTRIES) {
            throw invalid(key, "has more than " + Ack.MAX_ENTRIES + " elements");
        }
        return value;
    }

    /** Runs a record constructor, turning its own checks' exceptions into {@link Rejection#INVALID_FIELD}. */
    <T> T construct(String what, java.util.function.Supplier<T> constructor) throws InvalidMessageException {
        try {
            return constructor.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidMessageException(Rejection.INVALID_FIELD, (path.isEmpty() ? what : path) + ": " + e.getMessage(), e);
        }
    }

    /** Keys of this object that were not read, as (path, raw JSON) into {@code into}. */
    void collectUnread(Map<String, String> into) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!read.contains(field.getKey())) {
                into.put(where(field.getKey()), field.getValue().toString());
            }
        }
        for (JsonFields child : children) {
            child.collectUnread(into);
        }
    }

    InvalidMessageException invalid(String key, String problem) {
        return new InvalidMessageException(Rejection.INVALID_FIELD, where(key) + " " + problem);
    }
}
