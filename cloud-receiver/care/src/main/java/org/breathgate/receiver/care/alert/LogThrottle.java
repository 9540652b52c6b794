package org.breathgate.receiver.care.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Says whether a warning about one key (e.g. a device) may be logged now: at most once per {@code every} for each key,
 * so that a device sending thousands of readings nobody can be alerted about leaves one line an hour, not thousands
 * (the count of such events stays in each line and in the metrics). Remembers at most {@code maxKeys} keys, forgetting
 * the least recently warned. Not thread-safe: its owner's one thread uses it.
 */
final class LogThrottle {

    private final Duration every;
    private final Map<String, Instant> lastLogged;

    LogThrottle(Duration every, int maxKeys) {
        this.every = Objects.requireNonNull(every, "every");
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1");
        }
        this.lastLogged = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Whether a warning about {@code key} may be logged at {@code now}; if so, the next one waits {@code every}. */
    boolean allow(String key, Instant now) {
        Instant last = lastLogged.get(key);
        if (last != null && now.isBefore(last.plus(every)) && !now.isBefore(last)) {
            return false;
        }
        lastLogged.put(key, now);
        return true;
    }
}
