package org.breathgate.care.alert;

import java.util.Map;
import java.util.Optional;

/** How the engine finds the stored alert with a given key (the receiver's store, or a map in tests). */
@FunctionalInterface
public interface AlertLookup {

    Optional<Alert> find(String key);

    /** A lookup over {@code alerts} by key. */
    static AlertLookup of(Map<String, Alert> alerts) {
        return key -> Optional.ofNullable(alerts.get(key));
    }
}
