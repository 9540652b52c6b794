package org.breathgate.receiver.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.breathgate.attestation.AttestationException;
import org.breathgate.attestation.AttestationRecord;
import org.breathgate.attestation.TrustAnchors;
import org.breathgate.protocol.KeyId;
import org.breathgate.receiver.evidence.device.Device;
import org.breathgate.receiver.evidence.device.DeviceKey;
import org.breathgate.receiver.evidence.device.DeviceRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks the attestation records of the active devices' valid, attested keys again against the TPM vendors the receiver
 * trusts now: a vendor may have revoked an EK certificate (a TPM firmware flaw) after the device enrolled, or the operator
 * may have removed a vendor CA. Each key that no longer passes is a finding with the refusal code ({@code ek_revoked},
 * {@code ek_untrusted}, ...); what to do with the device (revoke it, enroll it again) is the operator's call.
 */
public final class AttestedKeyCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One attested key that no longer passes: the refusal's code, and the refusal said for a person (starting with the code). */
    public record Finding(KeyId key, String refusal, String detail) {
        public Finding {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(refusal, "refusal");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public String toString() {
            return key + ": " + detail;
        }
    }

    /** What the check read, and what it found. */
    public record Result(int checked, List<Finding> findings) {
        public Result {
            findings = List.copyOf(findings);
        }
    }

    private AttestedKeyCheck() {
    }

    public static Result run(DeviceRegistry registry, TrustAnchors vendors) {
        int checked = 0;
        List<Finding> findings = new ArrayList<>();
        for (String id : registry.deviceIds()) {
            Device device = registry.device(id).orElse(null);
            if (device == null || device.revoked()) {
                continue;
            }
            for (DeviceKey key : device.keys()) {
                if (!key.hardwareBound() || key.revoked()) {
                    continue;
                }
                checked++;
                try {
                    AttestationRecord.check(JSON.readTree(key.attestation().record()), key.key(), vendors);
                } catch (AttestationException e) {
                    findings.add(new Finding(key.keyId(), e.refusal().code(), e.getMessage()));
                } catch (JsonProcessingException e) {
                    findings.add(new Finding(key.keyId(), "malformed", "malformed: the stored attestation record is not JSON: "
                            + e.getOriginalMessage()));
                }
            }
        }
        return new Result(checked, findings);
    }
}
