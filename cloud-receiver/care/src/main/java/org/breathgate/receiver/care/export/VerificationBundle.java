package org.breathgate.receiver.care.export;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.protocol.KeyId;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.gate.Visit;
import org.breathgate.receiver.care.people.Assignment;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.evidence.device.Device;
import org.breathgate.receiver.evidence.device.DeviceKey;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.evidence.store.StoredEvent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The verification bundle of a client (docs/protocol.md, "A verification bundle"): a ZIP file that anyone (the parent,
 * their lawyer) can check with OpenSSL alone, without Breathgate's code. It holds every stored evidence message of the
 * client's devices exactly as signed ({@code messages/<device>_<seq>.jws}), every public key of those devices
 * ({@code keys/<device>_<version>.pem}) with their history ({@code keys/keys.txt}: added, revoked, fingerprint), the
 * script {@code verify-bundle.sh} and {@code HOW-TO-CHECK.txt}. Through the {@link CareGate}: as the parent's full export
 * ({@link Operation#EXPORT_ALL_DATA_OF_CLIENT}), audited {@code verification_bundle.exported}.
 */
public final class VerificationBundle {

    /** The script in every bundle; the same file is documented in docs/protocol.md. */
    public static final String SCRIPT = "verify-bundle.sh";
    public static final String HOW_TO = "HOW-TO-CHECK.txt";

    private final CareGate gate;
    private final DeviceRegistry registry;

    public VerificationBundle(CareGate gate, DeviceRegistry registry) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The bundle of {@code clientId} as ZIP bytes. */
    public byte[] zip(Actor actor, String clientId) {
        return gate.run(actor, "exporting the verification bundle of " + clientId, visit -> {
            Connection c = visit.connection();
            CaseContext context = CaseContexts.load(c, clientId);
            Decision d = visit.require(Operation.EXPORT_ALL_DATA_OF_CLIENT, context, "client", clientId);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int messages = 0;
            Set<String> devices = new LinkedHashSet<>();
            try (ZipOutputStream zip = new ZipOutputStream(bytes, StandardCharsets.UTF_8)) {
                put(zip, HOW_TO, resource(HOW_TO));
                put(zip, SCRIPT, resource(SCRIPT));
                for (Assignment a : DeviceAssignments.ofClient(c, clientId)) {
                    devices.add(a.deviceId());
                    Instant until = a.until() == null ? Instant.ofEpochMilli(Long.MAX_VALUE) : a.until();
                    for (StoredEvent s : EvidenceReader.attributedTo(c, a.deviceId(), a.from(), until)) {
                        put(zip, "messages/" + a.deviceId() + "_" + s.event().seq() + ".jws",
                                (s.compact() + "\n").getBytes(StandardCharsets.US_ASCII));
                        messages++;
                    }
                }
                StringBuilder list = new StringBuilder("# key id | type | added | revoked | fingerprint (SHA-256 of the raw public key)"
                        + " | key home (tpm_attested: proven at enrollment to be held in the device's TPM; software: not proven)\n");
                for (String deviceId : devices) {
                    Optional<Device> device = registry.device(deviceId);
                    if (device.isEmpty()) {
                        continue;
                    }
                    for (DeviceKey k : device.get().keys()) {
                        KeyId id = k.keyId();
                        put(zip, "keys/" + id.owner() + "_" + id.version() + ".pem", k.key().toPem().getBytes(StandardCharsets.US_ASCII));
                        list.append(id).append(" | ").append(k.key().type().name()).append(" | ").append(k.addedAt()).append(" | ")
                                .append(k.revokedAt() == null ? "-" : k.revokedAt().toString()).append(" | sha256:")
                                .append(k.key().fingerprint()).append(" | ")
                                .append(org.breathgate.receiver.care.timeline.SignatureCheck.homeOf(k).name().toLowerCase(java.util.Locale.ROOT))
                                .append('\n');
                        if (k.attestation() != null) {
                            // the TPM attestation record, for breathgate-verify --attestation (docs/protocol.md)
                            put(zip, "keys/" + id.owner() + "_" + id.version() + ".attestation.json",
                                    k.attestation().record().getBytes(StandardCharsets.UTF_8));
                        }
                    }
                }
                put(zip, "keys/keys.txt", list.toString().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("writing the verification bundle of " + clientId, e);
            }
            visit.record("verification_bundle.exported", "client", clientId, Visit.basis(d) + "; " + messages + " messages, devices "
                    + devices);
            return bytes.toByteArray();
        });
    }

    /**
     * The public key history of the client's devices as plain text (UTF-8): for each device lent to the client, its period
     * and every key it ever had (id, type, added, revoked, SHA-256 fingerprint, key home) with its PEM, so a worker, the
     * parent or their lawyer can check a signature, or compare a fingerprint printed in a report, against the receiver's
     * record. For whoever may open the client's timeline ({@link Operation#VIEW_TIMELINE}: the client's service, a
     * consented child-protection unit, the parent); audited {@code device_keys.viewed}.
     */
    public String keyHistory(Actor actor, String clientId) {
        return gate.run(actor, "reading the device keys of " + clientId, visit -> {
            Connection c = visit.connection();
            CaseContext context = CaseContexts.load(c, clientId);
            Decision d = visit.require(Operation.VIEW_TIMELINE, context, "client", clientId);
            StringBuilder out = new StringBuilder("# Breathgate: the public keys of the devices lent to ").append(clientId)
                    .append(", as the receiver recorded them (").append(visit.now()).append(")\n")
                    .append("# fingerprint: SHA-256 of the raw public key; key home tpm_attested: proven at enrollment to be held in the"
                            + " device's TPM; software: not proven\n");
            Set<String> devices = new LinkedHashSet<>();
            for (Assignment a : DeviceAssignments.ofClient(c, clientId)) {
                devices.add(a.deviceId());
                out.append("\ndevice ").append(a.deviceId()).append(" lent ").append(a.from()).append(" - ")
                        .append(a.until() == null ? "" : a.until().toString()).append('\n');
                for (DeviceKey k : DeviceRegistry.keys(c, a.deviceId())) {
                    out.append("key ").append(k.keyId()).append(" | ").append(k.key().type().name()).append(" | added ")
                            .append(k.addedAt()).append(" | revoked ").append(k.revokedAt() == null ? "-" : k.revokedAt().toString())
                            .append(" | sha256:").append(k.key().fingerprint()).append(" | ")
                            .append(org.breathgate.receiver.care.timeline.SignatureCheck.homeOf(k).name().toLowerCase(java.util.Locale.ROOT))
                            .append('\n').append(k.key().toPem().strip()).append('\n');
                }
            }
            visit.record("device_keys.viewed", "client", clientId, Visit.basis(d) + "; devices " + devices);
            return out.toString();
        });
    }

    /** One entry of a bundle (this one's, or a report's: {@link ReportBundle}). */
    static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry e = new ZipEntry(name);
        zip.putNextEntry(e);
        zip.write(content);
        zip.closeEntry();
    }

    /** A file shipped with every bundle (the how-to, the script), from the receiver's jar. */
    static byte[] resource(String name) {
        try (InputStream in = VerificationBundle.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the receiver jar lacks " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}
