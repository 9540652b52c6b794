package org.breathgate.receiver.care.timeline;

import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.receiver.evidence.device.Device;
import org.breathgate.receiver.evidence.device.DeviceKey;
import org.breathgate.receiver.evidence.device.DeviceRegistry;

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
final class SignatureCheck {

    /** What the check found. */
    public enum Status {
        /** The signature matches the device's enrolled key. */
        VERIFIED,
        /** It matches, and that key has been revoked since (replaced, or the device retired). */
        VERIFIED_KEY_REVOKED_SINCE,
        /** It does not match: the stored record is not what the device signed. */
        FAILED
    }

    /** The result for one event: the {@code kid} that signed it and the status. */
    public record Result(String deviceId, String keyId, int keyVersion, Status status) {
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
            return new Result(deviceId, kid.toString(), kid.version(), revoked ? Status.VERIFIED_KEY_REVOKED_SINCE : Status.VERIFIED);
        } catch (InvalidMessageException e) {
            return new Result(deviceId, "", 0, Status.FAILED);
        }
    }
}
