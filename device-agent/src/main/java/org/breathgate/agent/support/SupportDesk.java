package org.breathgate.agent.support;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.breathgate.agent.clock.AgentTimer;
import org.breathgate.agent.clock.ClockSource;
import org.breathgate.agent.evidence.EvidenceRecorder;
import org.breathgate.agent.outbox.OutboxException;
import org.breathgate.agent.outbox.SupportRecord;
import org.breathgate.agent.outbox.SupportStore;
import org.breathgate.agent.prompt.LightKeeper;
import org.breathgate.agent.prompt.Prompt;
import org.breathgate.agent.prompt.Prompter;
import org.breathgate.agent.prompt.Prompter.Line;
import org.breathgate.agent.prompt.SpokenTime;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.protocol.SupportReply;
import org.breathgate.protocol.SupportRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parent's support requests, from the help button to the service's answer: the spoken menu (the parent
 * chooses by pressing the help button while their need is offered; the test button stops it; after two rounds
 * without a choice the device sends "help now"), the signed {@code support_request} with the need, what the
 * parent is told at each step — always with "in an emergency, call 112" — and the service's signed
 * {@code support_reply}, said aloud and shown on the light. Every request and its state are kept in the outbox
 * file ({@link SupportStore}), so a restart, and a parent asking to hear it again, still know where it stands.
 *
 * <p>Used on the agent thread only.
 */
public final class SupportDesk {

    private static final Logger LOG = LoggerFactory.getLogger(SupportDesk.class);
    /** How long the light shows a request on its way, or an answer: a day, so it is seen when the parent comes home. */
    static final Duration SHOWN_FOR = Duration.ofHours(24);
    /** How long "say it again" still tells of a request: a week. */
    static final Duration TOLD_FOR = Duration.ofDays(7);

    private final String deviceId;
    private final EvidenceRecorder recorder;
    private final SupportStore store;
    private final Prompter prompter;
    private final LightKeeper light;
    private final ClockSource clock;
    private final AgentTimer timer;
    private final Duration step;
    private final Supplier<ZoneId> zone;
    private SupportMenu menu;
    private AgentTimer.Scheduled nextStep;
    /** The newest request as last read: the light asks every tick, the file is read only when it changed. */
    private Optional<SupportRecord> newest;

    /**
     * @param step how long each step of the menu is offered (8 s by default: a sentence and time to press)
     * @param zone the schedule's time zone, in which contact times are said
     */
    public SupportDesk(String deviceId, EvidenceRecorder recorder, SupportStore store, Prompter prompter, LightKeeper light,
                       ClockSource clock, AgentTimer timer, Duration step, Supplier<ZoneId> zone) {
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.store = Objects.requireNonNull(store, "store");
        this.prompter = Objects.requireNonNull(prompter, "prompter");
        this.light = Objects.requireNonNull(light, "light");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.step = Objects.requireNonNull(step, "step");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.newest = store.newest();
    }

    /** The help button: opens the menu, or, while it is open, chooses what is offered (nothing during the introduction). */
    public void helpPressed() {
        if (menu == null) {
            menu = new SupportMenu();
            LOG.info("Help button: the menu opens");
            offer();
            return;
        }
        Optional<SupportNeed> offered = menu.offered();
        if (offered.isPresent()) {
            finish(offered.get(), true);
        }
    }

    /** Whether the menu is open. */
    public boolean menuOpen() {
        return menu != null;
    }

    /** The test button while the menu is open: nothing is sent. */
    public void cancel() {
        if (menu == null) {
            return;
        }
        closeMenu();
        LOG.info("Help menu stopped with the test button; nothing sent");
        prompter.tell(null, true, true, List.of(Line.of(Prompt.SUPPORT_CANCELLED), Line.of(Prompt.EMERGENCY_112)));
        light.showStanding();
    }

    /** Records a request for {@code need} as if the parent had chosen it (closing the menu if it is open). */
    public void request(SupportNeed need) {
        finish(Objects.requireNonNull(need, "need"), true);
    }

    private void offer() {
        Prompt prompt = menu.prompt();
        prompter.tell(prompt, true, false, prompt == Prompt.SUPPORT_MENU_INTRO
                ? List.of(Line.of(prompt), Line.of(Prompt.EMERGENCY_112), Line.of(Prompt.SUPPORT_MENU_STOP))
                : List.of(Line.of(prompt)));
        nextStep = timer.after(step, this::stepOver);
    }

    private void stepOver() {
        if (menu == null) {
            return;
        }
        if (menu.advance()) {
            offer();
        } else {
            LOG.info("Help menu ended without a choice: sending a request for help now");
            finish(SupportNeed.HELP_NOW, false);
        }
    }

    private void closeMenu() {
        menu = null;
        if (nextStep != null) {
            nextStep.cancel();
            nextStep = null;
        }
    }

    private void finish(SupportNeed need, boolean chosen) {
        closeMenu();
        try {
            long seq = recorder.record((s, facts) -> new SupportRequest(deviceId, s, facts, need, chosen)).seq();
            LOG.info("Support request {} saved: {}{}", seq, need.wireName(), chosen ? "" : " (no choice was made)");
            newest = store.newest();
        } catch (OutboxException e) {
            LOG.error("A support request could not be saved", e);
            prompter.tell(Prompt.SUPPORT_NOT_SAVED, true, true, List.of(Line.of(Prompt.SUPPORT_NOT_SAVED), Line.of(Prompt.EMERGENCY_112)));
            return;
        }
        Prompt saved = !chosen ? Prompt.SUPPORT_SAVED_NO_CHOICE : switch (need) {
            case HELP_NOW -> Prompt.SUPPORT_SAVED_HELP_NOW;
            case CALL_ME -> Prompt.SUPPORT_SAVED_CALL_ME;
            case DEVICE_PROBLEM -> Prompt.SUPPORT_SAVED_DEVICE_PROBLEM;
        };
        prompter.tell(saved, true, true, List.of(Line.of(saved), Line.of(Prompt.EMERGENCY_112)));
    }

    /** The service's word on the device's requests: each newer word is kept; the newest request it changed is told. */
    public void replyReceived(SupportReply reply) {
        Instant now = clock.wall();
        SupportRecord told = null;
        for (SupportReply.Entry entry : reply.requests()) {
            Optional<SupportRecord> changed;
            try {
                changed = store.apply(entry, reply.issued(), now);
            } catch (OutboxException e) {
                LOG.error("The service's reply to support request {} could not be saved", entry.seq(), e);
                continue;
            }
            if (changed.isPresent() && (told == null || changed.get().seq() > told.seq())) {
                told = changed.get();
            }
        }
        newest = store.newest();
        if (told == null) {
            LOG.debug("A support reply issued {} changed nothing (known already, older, or about requests this device never made)",
                    reply.issued());
            return;
        }
        LOG.info("Support request {} is {} by {}", told.seq(), told.state().wireName(), told.by().wireName());
        Prompt prompt = told.seen() ? seenPrompt(told.by()) : Prompt.SUPPORT_CLOSED;
        prompter.tell(prompt, false, true, lines(told, now));
        if (!told.seen()) {
            light.showStanding();
        }
    }

    /** The receiver did not accept {@code seq} (quarantined it): if it was a support request, the parent is told. */
    public void refused(long seq) {
        if (store.find(seq).isPresent()) {
            newest = store.newest();
            LOG.warn("The receiver did not accept support request {}", seq);
            prompter.tell(Prompt.SUPPORT_REFUSED, false, true, List.of(Line.of(Prompt.SUPPORT_REFUSED), Line.of(Prompt.EMERGENCY_112)));
        }
    }

    /**
     * What "say it again" tells of the newest request made in the last week, as it stands now; empty when there
     * is none.
     */
    public List<Line> stateLines() {
        Instant now = clock.wall();
        Optional<SupportRecord> newest = store.newest();
        if (newest.isEmpty() || newest.get().madeAt().isBefore(now.minus(TOLD_FOR))) {
            return List.of();
        }
        return lines(newest.get(), now);
    }

    private List<Line> lines(SupportRecord r, Instant now) {
        List<Line> lines = new ArrayList<>();
        if (r.refused() != null) {
            lines.add(Line.of(Prompt.SUPPORT_REFUSED));
        } else if (r.state() == SupportReply.State.CLOSED) {
            lines.add(Line.of(Prompt.SUPPORT_CLOSED));
        } else if (r.seen()) {
            lines.add(Line.of(seenPrompt(r.by())));
            lines.addAll(contact(r, now));
        } else if (r.delivered()) {
            lines.add(Line.of(Prompt.SUPPORT_STATE_ARRIVED));
        } else {
            lines.add(Line.of(Prompt.SUPPORT_STATE_WAITING));
        }
        lines.add(Line.of(Prompt.EMERGENCY_112));
        return lines;
    }

    /** When to expect contact, in words said relative to today (a time already past is not said as "from"). */
    private List<Line> contact(SupportRecord r, Instant now) {
        Instant from = r.contactFrom() != null && r.contactFrom().isAfter(now) ? r.contactFrom() : null;
        Instant before = r.contactBefore();
        if (from != null && before != null) {
            ZoneId z = zone.get();
            if (from.atZone(z).toLocalDate().equals(before.atZone(z).toLocalDate())) {
                return List.of(Line.of(Prompt.CONTACT_BETWEEN, new SpokenTime.Day(from), new SpokenTime.Time(from),
                        new SpokenTime.Time(before)));
            }
            return List.of(Line.of(Prompt.CONTACT_FROM, new SpokenTime.Day(from), new SpokenTime.Time(from)),
                    Line.of(Prompt.CONTACT_BEFORE, new SpokenTime.Day(before), new SpokenTime.Time(before)));
        }
        if (before != null) {
            return List.of(Line.of(Prompt.CONTACT_BEFORE, new SpokenTime.Day(before), new SpokenTime.Time(before)));
        }
        if (from != null) {
            return List.of(Line.of(Prompt.CONTACT_FROM, new SpokenTime.Day(from), new SpokenTime.Time(from)));
        }
        return List.of(Line.of(Prompt.CONTACT_SOON));
    }

    private static Prompt seenPrompt(SupportReply.Role by) {
        return switch (by) {
            case WORKER -> Prompt.SUPPORT_SEEN_WORKER;
            case ON_CALL -> Prompt.SUPPORT_SEEN_ON_CALL;
            case TECHNICIAN -> Prompt.SUPPORT_SEEN_TECHNICIAN;
        };
    }

    /**
     * What the light shows of the newest request, when nothing more pressing does: two flashes while it is on
     * its way (a day at most), steady once someone has seen it (for a day after the answer); else empty.
     */
    public Optional<LightKeeper.Light> standing() {
        if (menu != null) {
            return Optional.of(new LightKeeper.Light(LightColour.BLUE, LightPattern.STEADY));
        }
        Instant now = clock.wall();
        if (newest.isEmpty() || !newest.get().open()) {
            return Optional.empty();
        }
        SupportRecord r = newest.get();
        if (r.seen()) {
            return r.answeredAt() != null && r.answeredAt().isAfter(now.minus(SHOWN_FOR))
                    ? Optional.of(new LightKeeper.Light(LightColour.GREEN, LightPattern.STEADY)) : Optional.empty();
        }
        return r.madeAt().isAfter(now.minus(SHOWN_FOR))
                ? Optional.of(new LightKeeper.Light(LightColour.BLUE, LightPattern.DOUBLE_FLASH)) : Optional.empty();
    }
}
