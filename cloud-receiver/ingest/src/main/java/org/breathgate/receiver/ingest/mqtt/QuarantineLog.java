package org.breathgate.receiver.ingest.mqtt;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs quarantined messages without letting a flood of bad input flood the log: the first of each
 * reason at WARN with its detail, then at most one line per reason per {@link #INTERVAL}, with the
 * count so far.
 */
final class QuarantineLog {

    static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(QuarantineLog.class);

    private final Clock clock;
    private final Map<String, Instant> nextLog = new ConcurrentHashMap<>();

    QuarantineLog(Clock clock) {
        this.clock = clock;
    }

    /** Returns whether a line was logged (for tests). */
    boolean log(String reason, long countSoFar, String topic, String detail) {
        return log("quarantined", reason, countSoFar, topic, detail);
    }

    /**
     * The same for other things ingest did with a message ({@code what}: {@code quarantined}, {@code dropped}, {@code
     * received misrouted}), each {@code what} and reason rate-limited on its own.
     */
    boolean log(String what, String reason, long countSoFar, String topic, String detail) {
        Instant now = clock.instant();
        String key = what + "/" + reason;
        Instant due = nextLog.get(key);
        if (due != null && now.isBefore(due)) {
            return false;
        }
        if (due == null ? nextLog.putIfAbsent(key, now.plus(INTERVAL)) != null : !nextLog.replace(key, due, now.plus(INTERVAL))) {
            return false;
        }
        if (countSoFar <= 1) {
            LOG.warn("{} a message ({}) from topic {}: {}", what, reason, topic, detail);
        } else {
            LOG.warn("{} {} messages ({}) since start; latest from topic {}: {}", what, countSoFar, reason, topic, detail);
        }
        return true;
    }
}
