package org.breathgate.agent.evidence;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.breathgate.agent.clock.ClockSource;
import org.breathgate.agent.outbox.Outbox;
import org.breathgate.agent.outbox.StoredEvent;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.MessageJson;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TamperKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what happened into signed evidence in the outbox: each event gets the next sequence number,
 * the clock facts of the moment, and the device key's signature, all inside the outbox
 * transaction that stores it. What is signed is exactly what is stored and later published.
 * After new events are stored it says so ({@code stored}: the publisher's wake-up), so that they
 * are sent soon.
 *
 * <p><b>When the key cannot sign</b> (a key in a TPM that is absent, hangs, is busy or fails): the event is
 * stored all the same, in the same transaction, as its exact payload waiting for a signature
 * ({@link StoredEvent#unsigned}); nothing is lost, and nothing unsigned leaves the device (the outbox sends
 * nothing from the first unsigned event on). {@link #retrySigning} — called often by the agent thread — tries
 * the key again with a doubling delay (5 s up to 5 minutes); while it fails, new events are stored unsigned
 * without waiting for the key. When the key signs again, every waiting event is signed as it was stored (its
 * sequence number and clock facts from the moment it happened), and a signed {@link TamperKind#DEVICE_INTEGRITY}
 * event tells the receiver which events were signed late and since when the key had failed.
 */
public final class EvidenceRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(EvidenceRecorder.class);
    /** The first wait before the key is tried again; it doubles up to {@link #RETRY_MAX}. */
    static final Duration RETRY_FIRST = Duration.ofSeconds(5);
    /** The longest wait between tries: a TPM that comes back is in use again within five minutes. */
    static final Duration RETRY_MAX = Duration.ofMinutes(5);
    /** How many waiting events one {@link #retrySigning} signs (the rest at the next call, without waiting). */
    private static final int SIGN_BATCH = 50;

    /** Builds one event from the sequence number and clock facts it is given. */
    @FunctionalInterface
    public interface EventFactory {
        EvidenceEvent create(long seq, ClockFacts clock);
    }

    private final String deviceId;
    private final MessageSigner signer;
    private final ClockSource clock;
    private final Outbox outbox;
    private final Runnable stored;

    // The key's state (agent thread, but guarded: status reads it from others).
    private boolean failing;
    private long nextTryMs;
    private long retryStepMs = RETRY_FIRST.toMillis();
    private int failedTries;
    private Instant failingSince;
    private String lastError;
    /** Events that waited for a signature and have been signed since the last report: the first and last seq, how many. */
    private long lateFirst = -1;
    private long lateLast = -1;
    private int lateCount;

    /** A recorder that tells nobody of new events (benchmarks, and tests that publish by hand). */
    public EvidenceRecorder(String deviceId, MessageSigner signer, ClockSource clock, Outbox outbox) {
        this(deviceId, signer, clock, outbox, () -> { });
    }

    /** @param stored run after new events are on disk (not after a schedule state alone) */
    public EvidenceRecorder(String deviceId, MessageSigner signer, ClockSource clock, Outbox outbox, Runnable stored) {
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.stored = Objects.requireNonNull(stored, "stored");
        if (!signer.keyId().owner().equals(deviceId)) {
            throw new IllegalArgumentException("signing key " + signer.keyId() + " is not a key of device " + deviceId);
        }
    }

    /** Records a tamper or fault signal; a {@code detail} over 500 characters is cut there, marked {@code ...}. */
    public StoredEvent recordTamper(TamperKind kind, String detail) {
        String d = detail.length() > 500 ? detail.substring(0, 497) + "..." : detail;
        return record((seq, facts) -> new TamperEvent(deviceId, seq, facts, kind, d));
    }

    /** Records one event; returns it as stored. */
    public StoredEvent record(EventFactory event) {
        return record(List.of(event), null).get(0);
    }

    /**
     * Records events (possibly none) and the schedule state {@code scheduleState} gives after the
     * events were made (null for none), in one transaction: after a power cut either all of them are
     * there or none.
     */
    public List<StoredEvent> record(List<EventFactory> events, Supplier<String> scheduleState) {
        return record(events, scheduleState, -1, null);
    }

    /**
     * As {@link #record(List, Supplier)}, with {@code jpeg} stored in the same transaction as the
     * photo of the event at index {@code photoOf} (a reading whose payload states that photo's hash).
     */
    public List<StoredEvent> record(List<EventFactory> events, Supplier<String> scheduleState, int photoOf, byte[] jpeg) {
        List<LongFunction<StoredEvent>> makers = new ArrayList<>(events.size());
        for (EventFactory factory : events) {
            makers.add(seq -> sign(factory.create(seq, clock.facts()), seq));
        }
        if (makers.isEmpty()) {
            String state = scheduleState == null ? null : scheduleState.get();
            if (state != null) {
                outbox.state().saveScheduleState(state);
            }
            return List.of();
        }
        List<StoredEvent> appended = outbox.append(makers, scheduleState, photoOf, jpeg);
        stored.run();
        return appended;
    }

    /**
     * Tries the device key again for the events stored unsigned, when the retry delay has passed (at once after a
     * start with such events in the outbox): signs them in order, as they were stored, puts them in the outbox's
     * queue, and once none is left records the signed report of what was signed late. Call it from the thread that
     * records (the agent thread); cheap when nothing waits.
     *
     * @return how many events were signed now
     */
    public int retrySigning() {
        if (outbox.awaitingSignatureCount() == 0) {
            return 0;
        }
        synchronized (this) {
            if (failing && clock.monotonicMs() < nextTryMs) {
                return 0;
            }
        }
        List<StoredEvent> waiting = outbox.awaitingSignature(SIGN_BATCH);
        List<StoredEvent> signedNow = new ArrayList<>(waiting.size());
        SigningKey.SigningFailedException failure = null;
        for (StoredEvent w : waiting) {
            try {
                signedNow.add(signLate(w));
            } catch (SigningKey.SigningFailedException e) {
                failure = e;
                break;
            }
        }
        outbox.signedLate(signedNow);
        synchronized (this) {
            for (StoredEvent e : signedNow) {
                lateFirst = lateFirst < 0 ? e.seq() : lateFirst;
                lateLast = e.seq();
                lateCount++;
            }
        }
        if (failure != null) {
            failed(failure);
        } else {
            answered();
        }
        if (!signedNow.isEmpty()) {
            LOG.info("The device key signed {} event(s) that waited for it (seq {} to {}); {} still wait", signedNow.size(),
                    signedNow.get(0).seq(), signedNow.get(signedNow.size() - 1).seq(), outbox.awaitingSignatureCount());
            stored.run();
        }
        if (failure == null && outbox.awaitingSignatureCount() == 0) {
            reportLateSignatures();
        }
        return signedNow.size();
    }

    /** Whether the device key failed at its last use and events are stored unsigned until it signs again. */
    public synchronized boolean signingFailing() {
        return failing;
    }

    private void reportLateSignatures() {
        String detail;
        synchronized (this) {
            if (lateCount == 0) {
                return;
            }
            // What was signed late first: a tamper detail is cut at 500 characters, and the error text can be long.
            detail = lateCount + " event(s), seq " + lateFirst + " to " + lateLast + ", were stored unsigned when they happened and"
                    + " signed at " + clock.wall() + " when the device key answered again; it could not sign "
                    + (failingSince == null ? "before the agent started"
                    : "from " + failingSince + " (" + failedTries + " failed tries; last: " + lastError + ")");
            lateFirst = -1;
            lateLast = -1;
            lateCount = 0;
            failingSince = null;
            failedTries = 0;
            lastError = null;
        }
        LOG.warn("Reporting to the receiver: {}", detail);
        recordTamper(TamperKind.DEVICE_INTEGRITY, detail);
    }

    private StoredEvent signLate(StoredEvent waiting) {
        EvidenceEvent event;
        try {
            if (!(MessageJson.decode(waiting.compact().getBytes(StandardCharsets.UTF_8)).message() instanceof EvidenceEvent e)
                    || e.seq() != waiting.seq() || !e.deviceId().equals(deviceId)) {
                throw new IllegalStateException("the unsigned event seq " + waiting.seq() + " in " + outbox.file()
                        + " is not this device's " + waiting.type().wireName() + " of that number");
            }
            event = e;
        } catch (InvalidMessageException e) {
            throw new IllegalStateException("the unsigned event seq " + waiting.seq() + " in " + outbox.file() + " cannot be read back: "
                    + e.getMessage() + "; the outbox file was changed outside the agent", e);
        }
        return new StoredEvent(waiting.seq(), waiting.type(), signer.sign(event).compact());
    }

    private void failed(SigningKey.SigningFailedException e) {
        Duration wait;
        boolean first;
        synchronized (this) {
            first = !failing;
            if (first) {
                failing = true;
                retryStepMs = RETRY_FIRST.toMillis();
                if (failingSince == null) {
                    failingSince = clock.wall();
                }
            }
            failedTries++;
            lastError = e.getMessage();
            wait = Duration.ofMillis(retryStepMs);
            nextTryMs = clock.monotonicMs() + retryStepMs;
            retryStepMs = Math.min(retryStepMs * 2, RETRY_MAX.toMillis());
        }
        if (first) {
            LOG.error("The device key could not sign: {}. Nothing is lost: events are stored unsigned and nothing unsigned is sent;"
                    + " they are signed and sent when the key answers again (next try in {} s). With key.store=tpm check the TPM:"
                    + " sudo breathgate-agent doctor (docs/hardware.md, 'TPM')", e.getMessage(), wait.toSeconds());
        } else {
            LOG.warn("The device key still cannot sign ({} failed tries; {} event(s) wait): {}. Next try in {} s", failedTries,
                    outbox.awaitingSignatureCount(), e.getMessage(), wait.toSeconds());
        }
    }

    private synchronized void answered() {
        if (failing) {
            LOG.info("The device key signs again");
        }
        failing = false;
        retryStepMs = RETRY_FIRST.toMillis();
    }

    private StoredEvent sign(EvidenceEvent event, long seq) {
        if (event.seq() != seq || !event.deviceId().equals(deviceId)) {
            throw new IllegalArgumentException("event factory made " + event.type().wireName() + " seq " + event.seq()
                    + " for device " + event.deviceId() + "; expected seq " + seq + " for " + deviceId);
        }
        synchronized (this) {
            if (failing) {
                // The key failed at its last use: do not make the parent wait for it (a hung TPM takes its time limit).
                return StoredEvent.unsigned(seq, event.type(), new String(MessageJson.encode(event), StandardCharsets.UTF_8));
            }
        }
        try {
            SignedMessage signed = signer.sign(event);
            return new StoredEvent(seq, event.type(), signed.compact());
        } catch (SigningKey.SigningFailedException e) {
            failed(e);
            return StoredEvent.unsigned(seq, event.type(), new String(MessageJson.encode(event), StandardCharsets.UTF_8));
        }
    }

    /** The device every event is recorded for. */
    public String deviceId() {
        return deviceId;
    }
}
