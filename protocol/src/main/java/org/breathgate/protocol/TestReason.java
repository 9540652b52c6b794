package org.breathgate.protocol;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Why a test happened: a scheduled slot, the parent's own choice, a retest of an earlier one, a random test the device drew,
 * or a test the worker asked for.
 */
public sealed interface TestReason permits TestReason.Scheduled, TestReason.OnDemand, TestReason.Retest, TestReason.Random,
        TestReason.Requested {

    /**
     * A scheduled test.
     *
     * @param slot the slot's nominal time (e.g. 08:00 local, as a UTC instant); identifies the slot
     * @param late whether the test was taken after the slot's window had closed
     */
    record Scheduled(Instant slot, boolean late) implements TestReason {
        public Scheduled {
            Objects.requireNonNull(slot, "slot");
            slot = slot.truncatedTo(ChronoUnit.SECONDS);
        }
    }

    /** A test the parent started on their own, outside any schedule. */
    record OnDemand() implements TestReason {
    }

    /**
     * A confirmation retest after a positive.
     *
     * @param of         sequence number of the reading this retest answers (the previous one in the chain)
     * @param chainStart sequence number of the first reading of the chain (the first positive)
     * @param attempt    1 for the first retest of the chain, 2 for the next, ...
     */
    record Retest(long of, long chainStart, int attempt) implements TestReason {
        public Retest {
            EvidenceEvent.checkSeq(of);
            EvidenceEvent.checkSeq(chainStart);
            if (chainStart > of) {
                throw new IllegalArgumentException("chainStart " + chainStart + " must not be after of " + of);
            }
            if (attempt < 1) {
                throw new IllegalArgumentException("attempt must be 1 or more, was " + attempt);
            }
        }
    }

    /**
     * A random test: one of the {@code per_day} tests the device drew for the day within the schedule's random hours, with a
     * secret of its own, and announced only when its window opened.
     *
     * @param slot the drawn time (as a UTC instant, whole seconds); identifies the random test
     */
    record Random(Instant slot) implements TestReason {
        public Random {
            Objects.requireNonNull(slot, "slot");
            slot = slot.truncatedTo(ChronoUnit.SECONDS);
        }
    }

    /**
     * A test the worker asked for now ("please test within 30 minutes"), by a signed {@link TestRequest}.
     *
     * @param request the request's number ({@link TestRequest#request()})
     */
    record Requested(long request) implements TestReason {
        public Requested {
            if (request < 1) {
                throw new IllegalArgumentException("request must be 1 or more, was " + request);
            }
        }
    }
}
