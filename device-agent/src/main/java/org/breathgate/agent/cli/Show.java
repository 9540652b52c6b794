package org.breathgate.agent.cli;

import java.time.Duration;
import java.time.Instant;

/** Small formatting helpers for the technician's screens. */
final class Show {
    private Show() {
    }

    static String ago(Instant then, Instant now) {
        Duration d = Duration.between(then, now);
        if (d.isNegative()) {
            return "in the future (clock changed?)";
        }
        long s = d.toSeconds();
        if (s < 120) {
            return s + " s ago";
        }
        if (s < 7200) {
            return d.toMinutes() + " min ago";
        }
        if (s < 172_800) {
            return d.toHours() + " h ago";
        }
        return d.toDays() + " days ago";
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        if (b < 1024L * 1024) {
            return String.format("%.1f KiB", b / 1024.0);
        }
        if (b < 1024L * 1024 * 1024) {
            return String.format("%.1f MiB", b / 1024.0 / 1024);
        }
        return String.format("%.1f GiB", b / 1024.0 / 1024 / 1024);
    }

    static String row(String label, String value) {
        return String.format("%-13s %s", label, value);
    }
}
