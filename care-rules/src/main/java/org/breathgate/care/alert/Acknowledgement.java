package org.breathgate.care.alert;

import org.breathgate.care.Checks;

import java.time.Instant;
import java.util.Objects;

/**
 * A worker's acknowledgement of an alert.
 *
 * @param by   the worker's user id
 * @param note what they did or will do (required: an acknowledgement without a note tells the next reader nothing)
 * @param at   when
 */
public record Acknowledgement(String by, String note, Instant at) {

    public Acknowledgement {
        Checks.id("by", by);
        Checks.text("note", note, 2000);
        Objects.requireNonNull(at, "at");
    }
}
