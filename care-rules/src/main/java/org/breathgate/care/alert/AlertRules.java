package org.breathgate.care.alert;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One client's alert rules. The threshold for {@link AlertKind#OVER_THRESHOLD} is the client's own
 * ({@code Client.alertThreshold()}), so there is one place to set it.
 *
 * @param settings    a setting for every {@link AlertKind}
 * @param silentAfter how long a device may be silent before {@link AlertKind#DEVICE_SILENT}
 */
public record AlertRules(Map<AlertKind, RuleSetting> settings, Duration silentAfter) {

    /**
     * 26 hours: a device with one test a day that is switched off between tests (or loses its link
     * overnight) stays quiet for up to a day; two more hours keep that from alerting every day.
     */
    public static final Duration DEFAULT_SILENT_AFTER = Duration.ofHours(26);

    public AlertRules {
        Objects.requireNonNull(settings, "settings");
        for (AlertKind kind : AlertKind.values()) {
            Objects.requireNonNull(settings.get(kind), () -> "no setting for " + kind);
        }
        for (AlertKind kind : AlertKind.values()) {
            if (kind.aboutTheDevice() && settings.get(kind).shareWithChildProtection()) {
                throw new IllegalArgumentException(kind + " is about the device and is never shared with child protection");
            }
        }
        if (settings.get(AlertKind.SUPPORT_REQUEST).shareWithChildProtection()) {
            throw new IllegalArgumentException("support requests are never shared with child protection: "
                    + "asking for help must not count against the parent");
        }
        settings = Map.copyOf(new EnumMap<>(settings));
        Objects.requireNonNull(silentAfter, "silentAfter");
        if (silentAfter.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("silentAfter must be at least 1 hour (devices may lose their link briefly), was "
                    + silentAfter);
        }
    }

    /**
     * The defaults: every rule on. Child protection (with consent) hears of confirmed positives and
     * missed tests — the meaningful events — and not of unconfirmed single results, tamper signals or
     * silence, which are usually explained by the substance-abuse worker first. Escalation: support
     * requests after 1 hour (the parent is waiting for a person), confirmed positives after 4 hours,
     * single results after 8 hours, the rest after 24 hours.
     */
    public static AlertRules defaults() {
        Map<AlertKind, RuleSetting> s = new EnumMap<>(AlertKind.class);
        s.put(AlertKind.CONFIRMED_POSITIVE, new RuleSetting(true, true, Duration.ofHours(4)));
        s.put(AlertKind.OVER_THRESHOLD, new RuleSetting(true, false, Duration.ofHours(8)));
        s.put(AlertKind.MISSED_TEST, new RuleSetting(true, true, Duration.ofHours(24)));
        s.put(AlertKind.TAMPER, new RuleSetting(true, false, Duration.ofHours(24)));
        s.put(AlertKind.DEVICE_SILENT, new RuleSetting(true, false, Duration.ofHours(24)));
        s.put(AlertKind.SUPPORT_REQUEST, new RuleSetting(true, false, Duration.ofHours(1)));
        // Like a tamper signal: for the substance-abuse service, which talks with the parent first.
        s.put(AlertKind.PHOTO_MISMATCH, new RuleSetting(true, false, Duration.ofHours(24)));
        // About the device, not the parent's results: the substance-abuse service and the technicians, never child protection.
        s.put(AlertKind.DEVICE_INTEGRITY, new RuleSetting(true, false, Duration.ofHours(24)));
        s.put(AlertKind.CLOCK_DOUBTED, new RuleSetting(true, false, Duration.ofHours(24)));
        s.put(AlertKind.UNASSIGNED_EVIDENCE, new RuleSetting(true, false, Duration.ofHours(24)));
        // For the substance-abuse service, which talks with the parent (or a technician) first; usually explained.
        s.put(AlertKind.EXPECTED_TEST_MISSING, new RuleSetting(true, false, Duration.ofHours(24)));
        // A reminder for the worker: information, never escalated, never shared.
        s.put(AlertKind.CONSENT_EXPIRING, new RuleSetting(true, false, null));
        return new AlertRules(s, DEFAULT_SILENT_AFTER);
    }

    public RuleSetting setting(AlertKind kind) {
        return settings.get(kind);
    }

    /** These rules with {@code kind} set to {@code setting}. */
    public AlertRules with(AlertKind kind, RuleSetting setting) {
        Map<AlertKind, RuleSetting> s = new EnumMap<>(settings);
        s.put(kind, setting);
        return new AlertRules(s, silentAfter);
    }

    public AlertRules withSilentAfter(Duration after) {
        return new AlertRules(settings, after);
    }
}
