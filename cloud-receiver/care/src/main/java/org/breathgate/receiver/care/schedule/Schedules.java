package org.breathgate.receiver.care.schedule;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.gate.Visit;

import java.util.Objects;
import java.util.Optional;

/**
 * A client's test schedule, set with the parent by their substance-abuse worker, in the parent's language: signed with the
 * receiver's key as the device's configuration ({@link DeviceConfigs}), stored, audited, and sent to the device through the
 * {@link DownlinkPublisher} (which the app wires to ingest's MQTT connection).
 */
public final class Schedules {

    private final CareGate gate;
    private final DeviceConfigs configs;

    public Schedules(CareGate gate, DeviceConfigs configs) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.configs = Objects.requireNonNull(configs, "configs");
    }

    /** As {@link #set(Actor, String, Schedule, String)} in the language of the client's schedule on record (Finnish if none). */
    public SignedMessage set(Actor actor, String clientId, Schedule schedule) {
        return set(actor, clientId, schedule, null);
    }

    /**
     * Sets the client's test schedule: a {@link ConfigUpdate} for the device lent to them now, with the client's alert
     * threshold as the device's retest threshold and {@code language} as its prompt language ({@code null}: the language of
     * the schedule on record, so a new schedule never resets the parent's language), signed with the receiver's key,
     * stored, audited, and published retained on the device's config topic once committed.
     *
     * @throws IllegalStateException if no device is lent to the client now
     */
    public SignedMessage set(Actor actor, String clientId, Schedule schedule, String language) {
        Objects.requireNonNull(schedule, "schedule");
        if (language != null && !ConfigUpdate.LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("language must be one of fi, sv, en, was '" + language + "'");
        }
        SignedMessage signed = gate.run(actor, "setting the schedule of " + clientId, visit -> {
            CaseContext context = CaseContexts.load(visit.connection(), clientId);
            Decision d = visit.require(Operation.SET_SCHEDULE, context, "client", clientId);
            SignedMessage message = configs.issue(visit.connection(), visit.now(), actor.userId(), clientId, schedule, language)
                    .orElseThrow(() -> new IllegalStateException("no device is lent to client " + clientId + "; assign one first"));
            ConfigUpdate update = (ConfigUpdate) message.message();
            visit.record(AuditAction.SCHEDULE_SET.code(), "client", clientId, Visit.basis(d) + "; device " + update.deviceId()
                    + " config v" + update.version() + ", " + schedule.slots().size() + " slots, language " + update.language());
            return message;
        });
        configs.publish(Optional.of(signed));
        return signed;
    }

    /**
     * The client's schedule as last sent to a device (with its language, threshold and who set it), for whoever may open the
     * client's timeline; empty when none was ever sent.
     */
    public Optional<DeviceConfigs.OnRecord> current(Actor actor, String clientId) {
        return gate.look(actor, "reading the schedule of " + clientId, visit -> {
            CaseContext context = CaseContexts.load(visit.connection(), clientId);
            visit.require(Operation.VIEW_TIMELINE, context, "client", clientId);
            return DeviceConfigs.onRecord(visit.connection(), clientId);
        });
    }
}
