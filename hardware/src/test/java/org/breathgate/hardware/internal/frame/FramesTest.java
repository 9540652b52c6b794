package org.breathgate.hardware.internal.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class FramesTest {

    private static byte[] hex(String s) {
        return HexFormat.ofDelimiter(" ").parseHex(s);
    }

    @Test
    void requests_match_the_winsen_datasheet_examples() {
        assertArrayEquals(hex("ff 01 86 00 00 00 00 00 79"), Frames.request(Frames.READ));
        assertArrayEquals(hex("ff 01 78 41 00 00 00 00 46"), Frames.request(Frames.SET_MODE, Frames.QUESTION_AND_ANSWER));
    }

    @Test
    void a_read_reply_carries_big_endian_counts() {
        byte[] reply = Frames.readReply(0x012C);
        assertArrayEquals(hex("ff 86 01 2c 00 00 00 00 4d"), reply);
        assertEquals(300, Frames.counts(reply));
    }

    @Test
    void garbage_before_a_frame_is_skipped_and_counted() {
        Frames.Decoder d = new Frames.Decoder();
        byte[] input = hex("00 13 37 ff 86 01 2c 00 00 00 00 4d");
        List<byte[]> out = d.feed(input, 0, input.length);
        assertEquals(1, out.size());
        assertEquals(3, d.discardedBytes());
    }

    @Test
    void a_stray_start_byte_before_a_real_frame_does_not_hide_it() {
        Frames.Decoder d = new Frames.Decoder();
        byte[] input = hex("ff ff 86 01 2c 00 00 00 00 4d");
        List<byte[]> out = d.feed(input, 0, input.length);
        assertEquals(1, out.size());
        assertEquals(300, Frames.counts(out.get(0)));
        assertEquals(1, d.badFrames());
    }

    @Test
    void a_frame_with_a_wrong_checksum_is_rejected() {
        Frames.Decoder d = new Frames.Decoder();
        byte[] input = hex("ff 86 01 2c 00 00 00 00 4e");
        assertEquals(List.of(), d.feed(input, 0, input.length));
        assertEquals(1, d.badFrames());
    }

    @Test
    void a_frame_split_across_reads_is_reassembled() {
        Frames.Decoder d = new Frames.Decoder();
        byte[] input = Frames.readReply(7);
        assertEquals(List.of(), d.feed(input, 0, 4));
        assertEquals(7, Frames.counts(d.feed(input, 4, 5).get(0)));
    }

    @Test
    void random_bytes_never_crash_the_decoder_and_only_valid_frames_come_out() {
        Random random = new Random(11);
        for (int round = 0; round < 2000; round++) {
            Frames.Decoder d = new Frames.Decoder();
            byte[] noise = new byte[random.nextInt(200)];
            random.nextBytes(noise);
            List<byte[]> out = new ArrayList<>(d.feed(noise, 0, noise.length));
            out.forEach(f -> assertTrue(Frames.valid(f)));
            d.reset();
            byte[] good = Frames.readReply(1234);
            List<byte[]> after = d.feed(good, 0, good.length);
            assertEquals(1234, Frames.counts(after.get(after.size() - 1)), "round " + round);
        }
    }
}
