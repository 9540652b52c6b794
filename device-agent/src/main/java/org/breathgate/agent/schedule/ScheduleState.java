package org.breathgate.agent.schedule;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the schedule remembers, so that a restart neither repeats a window nor forgets a pending
 * retest. Stored by the agent in the same SQLite transaction as the events a change produced, so
 * state and evidence cannot disagree after a power cut.
 *
 * @param lastTick        the last time the schedule looked at the clock, or null before the first look
 * @param resolvedThrough the slot time of the latest window that is finished with (tested, missed or
 *                        skipped); no window at or before it is ever opened again, even if the clock
 *                        goes back
 * @param open            the slot window open now, or null
 * @param late            the slot whose window closed untested and may still be tested late, or null
 * @param chain           the pending retest chain, or null
 * @param request         the window of a worker's test request open now, or null
 * @param lastRequest     the number of the last test request acted on (0: none), so none is acted on twice
 * @param randomSecret    the device's own secret for drawing random tests (64 hex digits), made once with a secure random
 *                        generator and never sent; null until first needed
 */
public record ScheduleState(Instant lastTick, Instant resolvedThrough, OpenWindow open, LateSlot late, RetestChain chain,
                            RequestWindow request, long lastRequest, String randomSecret) {

    /** The state of a device that has never looked at its schedule. */
    public static final ScheduleState EMPTY = new ScheduleState(null, null, null, null, null);

    /** A state without a test request or a random secret (as before either existed). */
    public ScheduleState(Instant lastTick, Instant resolvedThrough, OpenWindow open, LateSlot late, RetestChain chain) {
        this(lastTick, resolvedThrough, open, late, chain, null, 0, null);
    }

    /**
     * An open window: a slot's, or a random test's ({@code random}: the slot is the drawn time). {@code remindersSent} are
     * minutes-before-close already reminded.
     */
    public record OpenWindow(Instant slot, Instant opens, Instant closes, int abortedAttempts, Set<Integer> remindersSent,
                             boolean random) {
        public OpenWindow {
            Objects.requireNonNull(slot, "slot");
            Objects.requireNonNull(opens, "opens");
            Objects.requireNonNull(closes, "closes");
            remindersSent = Set.copyOf(remindersSent);
        }

        /** A slot's window. */
        public OpenWindow(Instant slot, Instant opens, Instant closes, int abortedAttempts, Set<Integer> remindersSent) {
            this(slot, opens, closes, abortedAttempts, remindersSent, false);
        }
    }

    /** The window of a worker's test request number {@code request}, open from {@code opens} until {@code closes}. */
    public record RequestWindow(long request, Instant opens, Instant closes, int abortedAttempts, Set<Integer> remindersSent) {
        public RequestWindow {
            Objects.requireNonNull(opens, "opens");
            Objects.requireNonNull(closes, "closes");
            remindersSent = Set.copyOf(remindersSent);
        }
    }

    /** A slot whose window closed untested; a test before {@code until} counts for it, marked late. */
    public record LateSlot(Instant slot, Instant until) {
        public LateSlot {
            Objects.requireNonNull(slot, "slot");
            Objects.requireNonNull(until, "until");
        }
    }

    /**
     * A chain of confirmation retests after a positive.
     *
     * @param chainStart    sequence number of the first positive
     * @param lastOf        sequence number of the latest reading the next retest answers
     * @param attemptsTaken retests taken so far in this chain
     * @param due           when the next retest is due
     * @param closes        when the due retest counts as missed
     * @param abortedAttempts aborted blows since the retest became due
     * @param duePrompted   whether the parent was told the retest is due
     * @param remindersSent minutes-before-close already reminded
     */
    public record RetestChain(long chainStart, long lastOf, int attemptsTaken, Instant due, Instant closes,
                              int abortedAttempts, boolean duePrompted, Set<Integer> remindersSent) {
        public RetestChain {
            Objects.requireNonNull(due, "due");
            Objects.requireNonNull(closes, "closes");
            remindersSent = Set.copyOf(remindersSent);
        }
    }

    /** This state as text (a properties file), for storage. */
    public String encode() {
        Properties p = new Properties();
        put(p, "lastTick", lastTick);
        put(p, "resolvedThrough", resolvedThrough);
        if (open != null) {
            put(p, "open.slot", open.slot());
            put(p, "open.opens", open.opens());
            put(p, "open.closes", open.closes());
            p.setProperty("open.aborted", Integer.toString(open.abortedAttempts()));
            p.setProperty("open.reminders", ints(open.remindersSent()));
            if (open.random()) {
                p.setProperty("open.random", "true");
            }
        }
        if (request != null) {
            p.setProperty("request.number", Long.toString(request.request()));
            put(p, "request.opens", request.opens());
            put(p, "request.closes", request.closes());
            p.setProperty("request.aborted", Integer.toString(request.abortedAttempts()));
            p.setProperty("request.reminders", ints(request.remindersSent()));
        }
        if (lastRequest > 0) {
            p.setProperty("request.last", Long.toString(lastRequest));
        }
        if (randomSecret != null) {
            p.setProperty("random.secret", randomSecret);
        }
        if (late != null) {
            put(p, "late.slot", late.slot());
            put(p, "late.until", late.until());
        }
        if (chain != null) {
            p.setProperty("chain.start", Long.toString(chain.chainStart()));
            p.setProperty("chain.lastOf", Long.toString(chain.lastOf()));
            p.setProperty("chain.attempts", Integer.toString(chain.attemptsTaken()));
            put(p, "chain.due", chain.due());
            put(p, "chain.closes", chain.closes());
            p.setProperty("chain.aborted", Integer.toString(chain.abortedAttempts()));
            p.setProperty("chain.duePrompted", Boolean.toString(chain.duePrompted()));
            p.setProperty("chain.reminders", ints(chain.remindersSent()));
        }
        StringWriter out = new StringWriter();
        try {
            p.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Drop the date comment Properties writes, so equal states encode equally.
        return out.toString().lines().filter(l -> !l.startsWith("#")).sorted().collect(Collectors.joining("\n"));
    }

    /** Reads what {@link #encode()} wrote. @throws IllegalArgumentException if it is not a stored state */
    public static ScheduleState decode(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
            OpenWindow open = p.containsKey("open.slot")
                    ? new OpenWindow(instant(p, "open.slot"), instant(p, "open.opens"), instant(p, "open.closes"),
                            Integer.parseInt(p.getProperty("open.aborted")), intSet(p.getProperty("open.reminders")),
                            Boolean.parseBoolean(p.getProperty("open.random", "false")))
                    : null;
            RequestWindow request = p.containsKey("request.number")
                    ? new RequestWindow(Long.parseLong(p.getProperty("request.number")), instant(p, "request.opens"),
                            instant(p, "request.closes"), Integer.parseInt(p.getProperty("request.aborted")),
                            intSet(p.getProperty("request.reminders")))
                    : null;
            LateSlot late = p.containsKey("late.slot") ? new LateSlot(instant(p, "late.slot"), instant(p, "late.until")) : null;
            RetestChain chain = p.containsKey("chain.start")
                    ? new RetestChain(Long.parseLong(p.getProperty("chain.start")), Long.parseLong(p.getProperty("chain.lastOf")),
                            Integer.parseInt(p.getProperty("chain.attempts")), instant(p, "chain.due"), instant(p, "chain.closes"),
                            Integer.parseInt(p.getProperty("chain.aborted")), Boolean.parseBoolean(p.getProperty("chain.duePrompted")),
                            intSet(p.getProperty("chain.reminders")))
                    : null;
            return new ScheduleState(instant(p, "lastTick"), instant(p, "resolvedThrough"), open, late, chain, request,
                    Long.parseLong(p.getProperty("request.last", "0")), p.getProperty("random.secret"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("stored schedule state is unreadable: " + e.getMessage(), e);
        }
    }

    private static void put(Properties p, String key, Instant value) {
        if (value != null) {
            p.setProperty(key, value.toString());
        }
    }

    private static Instant instant(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null ? null : Instant.parse(v);
    }

    private static String ints(Set<Integer> values) {
        return new TreeSet<>(values).stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static Set<Integer> intSet(String text) {
        if (text == null || text.isBlank()) {
            return Set.of();
        }
        Set<Integer> out = new TreeSet<>();
        for (String s : text.split(",")) {
            out.add(Integer.parseInt(s.strip()));
        }
        return out;
    }
}
