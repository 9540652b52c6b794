package org.breathgate.hardware.internal.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LineCodecTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<LineMessage> decode(LineCodec.Decoder d, String s) {
        byte[] b = ascii(s);
        return d.feed(b, 0, b.length);
    }

    @Test
    void checksum_is_the_xor_of_the_body_as_in_the_documented_examples() {
        assertEquals("$ID*0D\r\n", new String(LineCodec.encode(LineMessage.of("ID")), StandardCharsets.US_ASCII));
        assertEquals("$RESULT,230,2100,342*22\r\n",
                new String(LineCodec.encode(LineMessage.of("RESULT", "230", "2100", "342")), StandardCharsets.US_ASCII));
    }

    @Test
    void an_encoded_line_decodes_to_the_same_message() {
        LineMessage m = LineMessage.of("ID", "Breathgate Simulator", "SIM-0001", "sim-1", "2027-05-24");
        byte[] b = LineCodec.encode(m);
        assertEquals(List.of(m), new LineCodec.Decoder().feed(b, 0, b.length));
    }

    @Test
    void garbage_between_lines_is_skipped_and_counted() {
        LineCodec.Decoder d = new LineCodec.Decoder();
        List<LineMessage> out = decode(d, "xx\u0000\u00ff$STATE,READY*30\r\nnoise$BLOW,START*7A\r\n");
        assertEquals(List.of(LineMessage.of("STATE", "READY"), LineMessage.of("BLOW", "START")), out);
        assertEquals(9, d.discardedBytes());
    }

    @Test
    void a_line_split_across_reads_is_reassembled() {
        LineCodec.Decoder d = new LineCodec.Decoder();
        assertEquals(List.of(), decode(d, "$RESULT,2"));
        assertEquals(List.of(), decode(d, "30,2100,3"));
        assertEquals(List.of(LineMessage.of("RESULT", "230", "2100", "342")), decode(d, "42*22\r\n"));
    }

    @Test
    void a_wrong_checksum_drops_the_line_and_is_counted() {
        LineCodec.Decoder d = new LineCodec.Decoder();
        assertEquals(List.of(), decode(d, "$RESULT,930,2100,342*22\r\n"));
        assertEquals(1, d.badChecksums());
    }

    @Test
    void a_partial_line_cut_by_a_new_start_is_dropped_and_the_new_line_kept() {
        LineCodec.Decoder d = new LineCodec.Decoder();
        assertEquals(List.of(LineMessage.of("LAST")), decode(d, "$RESU$LAST*0A\r\n"));
        assertEquals(1, d.malformedLines());
    }

    @Test
    void lines_without_checksum_or_with_control_characters_or_overlong_are_rejected() {
        LineCodec.Decoder d = new LineCodec.Decoder();
        assertEquals(List.of(), decode(d, "$RESULT,230\r\n$RES\u0007ULT*00\r\n$" + "A".repeat(200) + "*00\r\n$ID*0\r\n"));
        assertEquals(4, d.malformedLines());
        assertEquals(List.of(LineMessage.of("ID")), decode(d, "$ID*0d\n"));
    }

    @Test
    void random_bytes_never_crash_the_decoder_and_a_good_line_after_them_is_found() {
        Random random = new Random(7);
        for (int round = 0; round < 2000; round++) {
            LineCodec.Decoder d = new LineCodec.Decoder();
            byte[] noise = new byte[random.nextInt(300)];
            random.nextBytes(noise);
            List<LineMessage> out = new ArrayList<>(d.feed(noise, 0, noise.length));
            byte[] good = LineCodec.encode(LineMessage.of("STATE", "READY"));
            out.addAll(d.feed(good, 0, good.length));
            assertTrue(out.contains(LineMessage.of("STATE", "READY")), "round " + round);
        }
    }

    @Test
    void a_message_cannot_hold_framing_characters() {
        assertThrows(IllegalArgumentException.class, () -> LineMessage.of("ERR", "a*b"));
        assertThrows(IllegalArgumentException.class, () -> LineMessage.of("ERR", "a,b"));
        assertThrows(IllegalArgumentException.class, () -> LineMessage.of(""));
    }
}
