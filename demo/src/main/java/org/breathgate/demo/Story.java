package org.breathgate.demo;

import org.breathgate.care.access.Actor;
import org.breathgate.hardware.sim.Blow;
import org.breathgate.hardware.sim.Scenario;

/** The three homes and what happens in each. */
enum Story {

    /** Tests at every slot, always clean. */
    CLEAN("Aino", "tests clean at every slot", Scenario.of("clean")),
    /** The first test shows alcohol; the retest 20 minutes later does too (a confirmed positive); the next one is clean. */
    CONFIRMED_POSITIVE("Mikko", "a positive, confirmed by the retest; consented to share with child protection",
            Scenario.of("confirmed-positive", Blow.reading(450), Blow.reading(320), Blow.reading(0))),
    /** Lets the first window pass, then the link drops: a late test and the next one wait in the device's outbox. */
    MISSES_AND_OFFLINE("Sanna", "misses a test, then is offline for a while; readings arrive late", Scenario.of("clean"));

    private final String person;
    private final String summary;
    private final Scenario scenario;

    Story(String person, String summary, Scenario scenario) {
        this.person = person;
        this.summary = summary;
        this.scenario = scenario;
    }

    String person() {
        return person;
    }

    String summary() {
        return summary;
    }

    /** What the simulated breathalyser measures, test after test (0 µg/L once the list is used up). */
    Scenario scenario() {
        return scenario;
    }

    String clientId() {
        return "client-" + folder();
    }

    /** The parent's own login. */
    Actor parent() {
        return Actor.parent("demo-" + person.toLowerCase(java.util.Locale.ROOT), clientId());
    }

    boolean sharesWithChildProtection() {
        return this == CONFIRMED_POSITIVE;
    }

    /** The home's folder name. */
    String folder() {
        return person.toLowerCase(java.util.Locale.ROOT);
    }
}
