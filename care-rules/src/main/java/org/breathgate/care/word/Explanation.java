package org.breathgate.care.word;

import org.breathgate.care.Checks;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.protocol.EvidenceEvent;

import java.util.Locale;
import java.time.Instant;
import java.util.Objects;

/**
 * The parent's own word beside one of their readings or missed tests: a choice and, optionally, their own text. It is stored
 * beside the event, never in it: the event stays exactly as the device signed it. A parent may add several (a later one does
 * not replace an earlier one: each is kept, in order).
 *
 * @param deviceId the device of the event explained
 * @param seq      the event's sequence number
 * @param n        the explanation's number among this event's explanations, from 1 in the order they were added
 * @param choice   what the parent chose
 * @param text     their own words, at most {@link #MAX_TEXT} characters; {@code null} if none (required with {@link Choice#OTHER})
 * @param by       the parent's user id
 * @param at       when it was added
 */
public record Explanation(String deviceId, long seq, int n, Choice choice, String text, String by, Instant at) {

    /** The longest text a parent may write (a few sentences: the place for a long story is a conversation). */
    public static final int MAX_TEXT = 500;

    /** What the parent says about the event. */
    public enum Choice {
        /** "I used mouthwash" (or another product with alcohol in it). */
        MOUTHWASH,
        /** "I took medicine". */
        MEDICINE,
        /** "I was at the hospital". */
        HOSPITAL,
        /** Something else, said in their own words. */
        OTHER;

        /** The name on the wire and in message keys: {@code mouthwash}, {@code medicine}, … */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The choice named {@code wire} ({@link #wireName}). */
        public static Choice ofWire(String wire) {
            for (Choice c : values()) {
                if (c.wireName().equals(wire)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("no explanation choice '" + wire + "' (mouthwash, medicine, hospital, other)");
        }
    }

    public Explanation {
        DeviceIds.check(deviceId);
        EvidenceEvent.checkSeq(seq);
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, was " + n);
        }
        Objects.requireNonNull(choice, "choice");
        text = text == null || text.isBlank() ? null : Checks.optionalText("text", text.strip(), MAX_TEXT);
        if (choice == Choice.OTHER && text == null) {
            throw new IllegalArgumentException("an explanation 'other' needs the parent's own words");
        }
        Checks.id("by", by);
        Objects.requireNonNull(at, "at");
    }
}
