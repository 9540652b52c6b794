package org.breathgate.agent.evidence;

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
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TamperKind;

/**
 * Turns what happened into signed evidence in the outbox: each event gets the next sequence number,
 * the clock facts of the moment, and the device's Ed25519 signature, all inside the outbox
 * transaction that stores it. What is signed is exactly what is stored and later published.
 * After new events are stored it says so ({@code stored}: the publisher's wake-up), so that they
 * are sent soon.
 */
public final class EvidenceRecorder {

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
        try {
            List<StoredEvent> appended = outbox.append(makers, scheduleState, photoOf, jpeg);
            stored.run();
            return appended;
        } catch (SigningKey.SigningFailedException e) {
            // Nothing was stored (the signature is made inside the outbox's transaction): handled as a failed write.
            throw new UnsignedEventException(e);
        }
    }

    /**
     * The device key could not sign (a TPM that does not answer): the events were not stored. An
     * {@link org.breathgate.agent.outbox.OutboxException} so that callers treat it as the failed
     * write it is — keep the schedule as it was and try again.
     */
    public static final class UnsignedEventException extends org.breathgate.agent.outbox.OutboxException {
        UnsignedEventException(SigningKey.SigningFailedException cause) {
            super("the device key could not sign, so nothing was stored: " + cause.getMessage()
                    + " (with key.store=tpm: is the TPM answering? sudo breathgate-agent doctor)", cause);
        }
    }

    private StoredEvent sign(EvidenceEvent event, long seq) {
        if (event.seq() != seq || !event.deviceId().equals(deviceId)) {
            throw new IllegalArgumentException("event factory made " + event.type().wireName() + " seq " + event.seq()
                    + " for device " + event.deviceId() + "; expected seq " + seq + " for " + deviceId);
        }
        SignedMessage signed = signer.sign(event);
        return new StoredEvent(seq, event.type(), signed.compact());
    }

    /** The device every event is recorded for. */
    public String deviceId() {
        return deviceId;
    }
}
