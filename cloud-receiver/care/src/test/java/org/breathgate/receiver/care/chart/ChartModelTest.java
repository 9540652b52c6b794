package org.breathgate.receiver.care.chart;

import org.breathgate.care.access.Client;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SensorFacts;
import org.breathgate.protocol.TamperKind;
import org.breathgate.protocol.TestReason;
import org.breathgate.receiver.care.timeline.TestTimelines;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartModelTest {

    private static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    private static final Instant FROM = Instant.parse("2026-03-01T22:00:00Z");
    private static final Instant TO = Instant.parse("2026-03-08T22:00:00Z");
    private static final SensorFacts SENSOR = new SensorFacts("AL-7000", "SN-1", null);

    private static Properties words(String language) throws Exception {
        Properties p = new Properties();
        try (InputStream in = ChartModel.class.getResourceAsStream("/i18n/timeline_" + language + ".properties")) {
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }

    private static Reading reading(long seq, Instant at, Outcome outcome, BreathAlcohol value) {
        return new Reading("home-0001", seq, new ClockFacts(at, "boot", 1000, true), new TestReason.Scheduled(at, false), outcome, value,
                new BreathAlcohol(100), null, 4000, 210, SENSOR);
    }

    private static Chart chart(List<EvidenceEvent> events) {
        List<Instant> received = events.stream().map(e -> e.clock().wall()).toList();
        return ChartModel.of(TestTimelines.view(Client.open("client-a", "Parent A", "sa-1"), FROM, TO, TestTimelines.entries(events, received),
                0), "en", HELSINKI);
    }

    @Test
    void the_three_languages_hold_the_same_words_every_event_has_one_and_none_breaks_message_format() throws Exception {
        Properties en = words("en");
        Pattern lone = Pattern.compile("(?<!')'(?!')");
        for (String language : List.of("fi", "sv", "en")) {
            Properties p = words(language);
            assertEquals(en.stringPropertyNames(), p.stringPropertyNames(), language);
            for (TamperKind kind : TamperKind.values()) {
                assertTrue(p.containsKey("tamper." + kind.wireName()), language + " has no words for " + kind);
            }
            p.stringPropertyNames().forEach(k -> assertFalse(lone.matcher(p.getProperty(k)).find(), language + " " + k));
        }
    }

    @Test
    void the_scale_is_at_least_twice_the_threshold_and_above_the_highest_value_in_four_to_eight_steps() {
        Chart low = chart(List.of(reading(1, FROM.plusSeconds(3600), Outcome.PASS, new BreathAlcohol(0))));
        assertEquals(200, low.scaleMax());
        assertEquals(List.of("0.000", "0.025", "0.050", "0.075", "0.100", "0.125", "0.150", "0.175", "0.200"),
                low.ticks().stream().map(Chart.Tick::label).toList());
        Chart high = chart(List.of(reading(1, FROM.plusSeconds(3600), Outcome.FAIL, new BreathAlcohol(1250))));
        assertEquals(1400, high.scaleMax(), "1250 µg/L × 1.1 rounded up to a 200 step");
        assertTrue(high.ticks().size() >= 4 && high.ticks().size() <= 9, high.ticks().toString());
    }

    @Test
    void a_positive_whose_value_the_device_did_not_state_is_drawn_at_the_threshold_not_at_none() {
        Chart chart = chart(List.of(reading(1, FROM.plusSeconds(3600), Outcome.FAIL, null)));
        Chart.Mark mark = chart.marks().get(0);
        assertEquals(Style.FAIL, mark.style());
        assertEquals(100, mark.microgramsPerLitre(), "at least the threshold: that is all the device said");
        assertEquals(chart.y(chart.threshold().microgramsPerLitre()), chart.y(mark.microgramsPerLitre()));
    }
}
