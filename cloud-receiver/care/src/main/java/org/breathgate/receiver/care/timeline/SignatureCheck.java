package org.breathgate.receiver.care.timeline;

import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.receiver.evidence.device.Device;
import org.breathgate.receiver.evidence.device.DeviceKey;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.device.KeyAttestation;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a stored event's signature again, when it is shown, against the public key enrolled for the
 * device that signed it (also a key revoked since: the event was signed while it was valid, or ingest
 * would not have stored it). Ingest stores only verified evidence; checking again on display means the
 * page's "verified" is a fact of this moment, and a record altered in the database since shows as such.
 * One instance per page: devices are read once.
 */
public final class SignatureCheck {

    /** What the check found. */
    public enum Status {
        /** The signature matches the device's enrolled key. */
        VERIFIED,
        /** It matches, and that key has been revoked since (replaced, or the device retired). */
        VERIFIED_KEY_REVOKED_SINCE,
        /** It does not match: the stored record is not what the device signed. */
        FAILED
    }

    /**
     * Where the signing key lives, as far as the receiver could verify when the key was registered.
     */
    public enum KeyHome {
        /** A P-256 key whose TPM attestation the receiver verified: made in, and unable to leave, a TPM of a trusted maker. */
        TPM_ATTESTED,
        /** Any key without a verified attestation (a file key; or a P-256 key enrolled or rotated without one). */
        SOFTWARE
    }

    /**
     * The result for one event: the {@code kid} that signed it, the status, and what kind of key it was — the one home
     * of "how this event was verified" for the timeline page, the API, the PDF report and the parent's export.
     *
     * @param algorithm the key's JWS algorithm ({@code EdDSA} or {@code ES256}); empty when the check failed
     * @param keyHome   whether the key was proven to be held in a TPM; {@code null} when the check failed
     * @param tpm       the attested TPM and its EK chain in one line ({@code KeyAttestation.summary()}), or {@code null}
     */
    public record Result(String deviceId, String keyId, int keyVersion, Status status, String algorithm, KeyHome keyHome, String tpm) {

        /** A result for a software Ed25519 key (tests, and failed checks). */
        public Result(String deviceId, String keyId, int keyVersion, Status status) {
            this(deviceId, keyId, keyVersion, status, status == Status.FAILED ? "" : "EdDSA",
                    status == Status.FAILED ? null : KeyHome.SOFTWARE, null);
        }

        /** Whether the signing key was proven to be held in a TPM. */
        public boolean hardwareBound() {
            return keyHome == KeyHome.TPM_ATTESTED;
        }

        /** The key's home in lower case ({@code tpm_attested}, {@code software}), for templates and JSON; empty if failed. */
        public String home() {
            return keyHome == null ? "" : keyHome.name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The status in lower case, for the page's templates. */
        public String state() {
            return status.name().toLowerCase(java.util.Locale.ROOT);
        }

        public boolean verified() {
            return status != Status.FAILED;
        }
    }

    private final DeviceRegistry registry;
    private final Map<String, Optional<Device>> devices = new HashMap<>();

    /** Where {@code key} lives as far as the receiver verified: the one rule every view of a key's home uses. */
    public static KeyHome homeOf(DeviceKey key) {
        return key.hardwareBound() ? KeyHome.TPM_ATTESTED : KeyHome.SOFTWARE;
    }

    SignatureCheck(DeviceRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public Result check(String deviceId, String compact) {
        Optional<Device> device = devices.computeIfAbsent(deviceId, registry::device);
        Map<KeyId, DeviceKey> keys = new HashMap<>();
        device.ifPresent(d -> d.keys().forEach(k -> keys.put(k.keyId(), k)));
        MessageVerifier verifier = new MessageVerifier(kid -> Optional.ofNullable(keys.get(kid)).map(DeviceKey::key));
        try {
            KeyId kid = verifier.verify(compact, deviceId).keyId();
            DeviceKey key = keys.get(kid);
            boolean revoked = key.revoked() || device.get().revoked();
            return new Result(deviceId, kid.toString(), kid.version(), revoked ? Status.VERIFIED_KEY_REVOKED_SINCE : Status.VERIFIED,
                    key.type().jwsAlgorithm(), homeOf(key),
                    key.attestationRecord().map(KeyAttestation::summary).orElse(null));
        } catch (InvalidMessageException e) {
            return new Result(deviceId, "", 0, Status.FAILED);
        }
    }
}
