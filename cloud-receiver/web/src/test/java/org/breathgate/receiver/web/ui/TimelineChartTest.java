package org.breathgate.receiver.web.ui;

import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.PerMilleFactor;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SensorFacts;
import org.breathgate.protocol.TestReason;
import org.breathgate.care.access.Client;
import org.breathgate.receiver.care.chart.Chart;
import org.breathgate.receiver.care.chart.ChartModel;
import org.breathgate.receiver.care.timeline.TestTimelines;
import org.breathgate.receiver.care.timeline.TimelineEntry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimelineChartTest {

    private static final Instant FROM = Instant.parse("2026-03-01T22:00:00Z"); // 2 March 00:00 in Helsinki
    private static final Instant TO = Instant.parse("2026-03-08T22:00:00Z");
    private static final BreathAlcohol THRESHOLD = new BreathAlcohol(100);
    private static final SensorFacts SENSOR = new SensorFacts("AL-7000", "SN-1", null);

    /** The chart model of {@code entries} over the week, for a client with the default threshold (0.100 mg/L, FI-RL-23). */
    private static Chart model(List<TimelineEntry> entries) {
        Client client = Client.open("client-a", "Parent A", "sa-1").withAlertThreshold(THRESHOLD)
                .withPerMilleFactor(PerMilleFactor.FINNISH_CRIMINAL_CODE);
        return ChartModel.of(TestTimelines.view(client, FROM, TO, entries, 0), "en", ZoneId.of("Europe/Helsinki"));
    }

    /** {@code event} stored at {@code receivedAt} (its clock says whether it was {@code synced}) on a timeline of {@code shown}. */
    private static TimelineEntry entry(EvidenceEvent event, Instant receivedAt, boolean synced, Set<Long> shown) {
        assertEquals(synced, event.clock().synced());
        return TestTimelines.entry(event, "x.y.z", receivedAt, null, null, shown);
    }

    private static Reading reading(long seq, Instant at, boolean synced, TestReason reason, Outcome outcome, int ugL) {
        return new Reading("home-0001", seq, new ClockFacts(at, "boot", 1000, synced), reason, outcome, new BreathAlcohol(ugL), THRESHOLD,
                null, 4000, 210, SENSOR);
    }

    private List<TimelineEntry> sample() {
        Instant day3 = Instant.parse("2026-03-04T06:00:00Z");
        Set<Long> shown = Set.of(1L, 2L, 3L, 4L);
        List<TimelineEntry> entries = new ArrayList<>();
        entries.add(entry(reading(1, day3, true, new TestReason.Scheduled(day3, false), Outcome.FAIL, 250), day3, true, shown));
        entries.add(entry(reading(2, day3.plusSeconds(1260), true, new TestReason.Retest(1, 1, 1), Outcome.FAIL, 230), day3, true, shown));
        Instant day5 = Instant.parse("2026-03-06T06:00:00Z");
        entries.add(entry(reading(3, day5.minusSeconds(7200), false, new TestReason.Scheduled(day5, false), Outcome.PASS, 0),
                day5.plusSeconds(3600), false, shown));
        entries.add(entry(new MissedTest("home-0001", 4, new ClockFacts(day5.plusSeconds(86400), "boot", 2000, true),
                new TestReason.Scheduled(day5.plusSeconds(84600), false), day5.plusSeconds(84600), day5.plusSeconds(86400), 0),
                day5.plusSeconds(86400), true, shown));
        return entries;
    }

    @Test
    void the_threshold_is_drawn_at_its_value_on_the_scale() {
        String svg = TimelineChart.svg(model(sample()));
        // Scale: highest 250 µg/L × 1.1 = 275, rounded up to a 50 step = 300; plot from y=214 (0) to y=60 (300).
        Matcher m = Pattern.compile("<line class=\"threshold\" x1=\"[0-9.]+\" y1=\"([0-9.]+)\"").matcher(svg);
        assertTrue(m.find(), svg);
        assertEquals(214 - 100.0 / 300 * 154, Double.parseDouble(m.group(1)), 0.1);
        assertTrue(svg.contains("Threshold 0.100 mg/L"), svg);
    }

    @Test
    void a_retest_is_joined_to_the_test_it_confirms_and_an_unsynchronised_reading_carries_its_time_span() {
        String svg = TimelineChart.svg(model(sample()));
        assertEquals(1, count(svg, "class=\"retest-link\""));
        assertEquals(1, count(svg, "class=\"mark test unsynced\""));
        assertEquals(1, count(svg, "class=\"uncertain\""));
        assertEquals(1, count(svg, "class=\"mark missed\""));
        assertEquals(4, count(svg, "<g class=\"mark"));
    }

    @Test
    void the_text_alternative_counts_tests_positives_and_missed_tests() {
        String summary = model(sample()).summary();
        assertTrue(summary.contains("3 tests, 2 of them showed alcohol; 1 missed tests"), summary);
        assertTrue(summary.contains("Highest value 0.250 mg/L (≈ 0.57 ‰)"), summary);
        assertTrue(summary.contains("1 events with an uncertain time"), summary);
    }

    @Test
    void texts_in_the_svg_are_escaped() {
        assertEquals("&lt;script&gt;&amp;&quot;&#39;", Html.escape("<script>&\"'"));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
