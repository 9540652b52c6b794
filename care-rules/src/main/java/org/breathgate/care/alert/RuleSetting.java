package org.breathgate.care.alert;

import java.time.Duration;

/**
 * How one alert rule applies to one client.
 *
 * @param enabled                  whether the rule raises alerts
 * @param shareWithChildProtection whether a child-protection unit is in the audience (still only while
 *                                 the parent's consent with scope ALERTS covers the event)
 * @param escalateAfter            how long an unacknowledged alert waits before it escalates, or {@code null} never
 */
public record RuleSetting(boolean enabled, boolean shareWithChildProtection, Duration escalateAfter) {

    public RuleSetting {
        if (escalateAfter != null && (escalateAfter.isNegative() || escalateAfter.isZero())) {
            throw new IllegalArgumentException("escalateAfter must be positive, was " + escalateAfter);
        }
    }

    /** This setting switched on or off. */
    public RuleSetting withEnabled(boolean on) {
        return new RuleSetting(on, shareWithChildProtection, escalateAfter);
    }
}
