package org.breathgate.agent.outbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.function.LongFunction;
import org.breathgate.protocol.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {

    @TempDir
    Path dir;

    private static LongFunction<StoredEvent> event(String body) {
        return seq -> new StoredEvent(seq, MessageType.READING, body + "-" + seq);
    }

    private Outbox open() {
        return Outbox.open(dir.resolve("outbox.db"), "home-0001", 1_000_000);
    }

    @Test
    void events_get_consecutive_sequence_numbers_from_one() {
        try (Outbox o = open()) {
            List<StoredEvent> stored = o.append(List.of(event("a"), event("b")), null);
            assertEquals(List.of(1L, 2L), stored.stream().map(StoredEvent::seq).toList());
        }
    }

    @Test
    void sequence_numbers_survive_a_restart_and_are_never_reused_even_after_every_event_was_acked() {
        try (Outbox o = open()) {
            o.append(List.of(event("a"), event("b")), null);
            o.acknowledge(List.of(1L, 2L));
        }
        try (Outbox o = open()) {
            assertEquals(3L, o.append(List.of(event("c")), null).get(0).seq());
        }
    }

    @Test
    void a_failing_event_maker_stores_nothing_and_uses_no_number() {
        try (Outbox o = open()) {
            assertThrows(IllegalStateException.class, () -> o.append(List.of(event("a"), seq -> {
                throw new IllegalStateException("signing failed");
            }), () -> "state"));
            assertEquals(0, o.stats().depth());
            assertTrue(o.state().scheduleState().isEmpty());
            assertEquals(1L, o.append(List.of(event("b")), null).get(0).seq());
        }
    }

    @Test
    void a_reading_its_number_and_its_photo_are_stored_in_one_transaction_or_not_at_all() {
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, 42, (byte) 0xFF, (byte) 0xD9};
        try (Outbox o = open()) {
            assertThrows(IllegalStateException.class, () -> o.append(List.of(event("r"), seq -> {
                throw new IllegalStateException("signing the reading's tamper event failed");
            }), () -> "state", 0, jpeg));
            assertEquals(new PhotoStats(0, 0), o.photos().stats());
            assertEquals(0, o.stats().depth());
            o.append(List.of(event("r")), () -> "state-after-1", 0, jpeg);
        }
        try (Outbox o = open()) {
            assertEquals(1L, o.stats().lastSeq(), "the failed attempt used no number");
            assertEquals(new PhotoStats(1, jpeg.length), o.photos().stats());
            assertArrayEquals(jpeg, o.photos().jpeg(1).orElseThrow(), "the photo is kept under its reading's number");
            assertEquals("state-after-1", o.state().scheduleState().orElseThrow());
        }
    }

    @Test
    void the_oldest_waiting_event_is_measured_from_when_it_was_stored_and_its_ack_moves_the_measure_on() throws Exception {
        try (Outbox o = open()) {
            assertEquals(0, o.oldestWaitSeconds(System.currentTimeMillis()), "nothing waits");
            long before = System.currentTimeMillis();
            o.append(List.of(event("a")), null);
            long after = System.currentTimeMillis();
            Thread.sleep(5);
            o.append(List.of(event("b")), null);
            long later = after + 3_600_000;
            long age = o.oldestWaitSeconds(later);
            assertTrue(age >= (later - after) / 1000 && age <= (later - before) / 1000, "an hour, give or take: " + age);
            assertEquals(0, o.oldestWaitSeconds(before - 86_400_000L), "a clock set back gives 0, never a negative age");
            o.acknowledge(List.of(1L, 2L));
            assertEquals(0, o.oldestWaitSeconds(later), "all acked: nothing waits");
        }
    }

    @Test
    void pending_events_come_back_in_sequence_order_after_a_given_number() {
        try (Outbox o = open()) {
            o.append(List.of(event("a"), event("b"), event("c"), event("d")), null);
            assertEquals(List.of(2L, 3L), o.pendingAfter(1, 2).stream().map(StoredEvent::seq).toList());
        }
    }

    @Test
    void an_acknowledged_event_leaves_the_outbox_and_a_duplicate_ack_changes_nothing() {
        try (Outbox o = open()) {
            o.append(List.of(event("a"), event("b")), null);
            assertEquals(1, o.acknowledge(List.of(1L)));
            assertEquals(0, o.acknowledge(List.of(1L)));
            assertEquals(1, o.stats().depth());
            assertEquals(List.of(2L), o.pendingAfter(0, 10).stream().map(StoredEvent::seq).toList());
        }
    }

    @Test
    void a_quarantined_event_moves_to_the_dead_letter_table_with_its_reason() {
        try (Outbox o = open()) {
            o.append(List.of(event("a"), event("b")), null);
            assertTrue(o.quarantine(1, "bad_signature"));
            assertFalse(o.quarantine(1, "bad_signature"));
            assertEquals(1, o.stats().depth());
            assertEquals(1, o.stats().deadLetters());
            assertEquals("bad_signature", o.deadLetters().get(0).reason());
            assertEquals("a-1", o.deadLetters().get(0).event().compact());
        }
    }

    @Test
    void the_schedule_state_is_stored_in_the_same_transaction_as_the_events() {
        try (Outbox o = open()) {
            o.append(List.of(event("a")), () -> "state-after-1");
        }
        try (Outbox o = open()) {
            assertEquals("state-after-1", o.state().scheduleState().orElseThrow());
        }
    }

    @Test
    void nothing_is_dropped_past_the_budget_and_the_outbox_says_it_is_nearly_full() {
        try (Outbox o = Outbox.open(dir.resolve("small.db"), "home-0001", 1000)) {
            for (int i = 0; i < 20; i++) {
                o.append(List.of(seq -> new StoredEvent(seq, MessageType.READING, "x".repeat(100))), null);
            }
            assertEquals(20, o.stats().depth());
            assertEquals(2000, o.stats().bytes());
            assertTrue(o.stats().nearlyFull());
        }
    }

    @Test
    void byte_counters_are_rebuilt_from_disk_on_open() {
        try (Outbox o = open()) {
            o.append(List.of(event("aaaa"), event("bbbb")), null);
            o.acknowledge(List.of(1L));
        }
        try (Outbox o = open()) {
            assertEquals(new OutboxStats(1, "bbbb-2".length(), 0, 2, 1_000_000), o.stats());
        }
    }

    @Test
    void an_outbox_of_another_device_is_refused() {
        try (Outbox o = open()) {
            o.append(List.of(event("a")), null);
        }
        OutboxException e = assertThrows(OutboxException.class, () -> Outbox.open(dir.resolve("outbox.db"), "home-0002", 1000));
        assertTrue(e.getMessage().contains("home-0001"), e.getMessage());
    }

    @Test
    void the_last_reading_is_remembered_after_its_ack() {
        try (Outbox o = open()) {
            o.append(List.of(event("r"), seq -> new StoredEvent(seq, MessageType.TAMPER, "t")), null);
            o.acknowledge(List.of(1L, 2L));
            assertEquals("r-1", o.lastReading().orElseThrow());
        }
    }
}
