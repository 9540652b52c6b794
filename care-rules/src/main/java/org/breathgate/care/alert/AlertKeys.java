package org.breathgate.care.alert;

import org.breathgate.care.Checks;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.protocol.EvidenceEvent;

import java.time.Instant;

/**
 * The keys alerts are stored under. A key names what the alert is about, so the same event processed
 * twice finds the same alert, and a chain of retests shares one key: its device and first positive.
 */
public final class AlertKeys {

    private AlertKeys() {
    }

    /** A retest chain (or a single result over the threshold) starting at {@code chainStart}. */
    public static String chain(String deviceId, long chainStart) {
        return "chain:" + DeviceIds.check(deviceId) + ":" + EvidenceEvent.checkSeq(chainStart);
    }

    public static String missedTest(String deviceId, long seq) {
        return "missed:" + DeviceIds.check(deviceId) + ":" + EvidenceEvent.checkSeq(seq);
    }

    public static String tamper(String deviceId, long seq) {
        return "tamper:" + DeviceIds.check(deviceId) + ":" + EvidenceEvent.checkSeq(seq);
    }

    /** The photo of reading {@code seq} found not to match the client's reference photo. */
    public static String photoMismatch(String deviceId, long seq) {
        return "photo:" + DeviceIds.check(deviceId) + ":" + EvidenceEvent.checkSeq(seq);
    }

    public static String supportRequest(String deviceId, long seq) {
        return "support:" + DeviceIds.check(deviceId) + ":" + EvidenceEvent.checkSeq(seq);
    }

    /**
     * Signed evidence the receiver could not keep: {@code problem} (e.g. {@code seq_reused}) under {@code seq}, or, without a
     * sequence number, at {@code receivedAt}.
     */
    public static String integrity(String deviceId, String problem, Long seq, Instant receivedAt) {
        return "integrity:" + DeviceIds.check(deviceId) + ":" + Checks.id("problem", problem) + ":"
                + (seq == null ? "t" + receivedAt.toEpochMilli() : Long.toString(EvidenceEvent.checkSeq(seq)));
    }

    /** The device's clock doubted during one boot ({@code bootId}): one alert per boot, however many events it dates. */
    public static String clockDoubted(String deviceId, String bootId) {
        Checks.id("bootId", bootId);
        // A boot id is up to 64 characters: a long one is shortened to its hash, so the key stays an id.
        return "clock:" + DeviceIds.check(deviceId) + ":" + (bootId.length() <= 40 ? bootId : shortHash(bootId));
    }

    private static String shortHash(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "h" + java.util.HexFormat.of().formatHex(d, 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Evidence of the device that belongs to no client's period, received on one UTC day ({@code epochDay}). */
    public static String unassigned(String deviceId, long epochDay) {
        return "unassigned:" + DeviceIds.check(deviceId) + ":" + epochDay;
    }

    /** The scheduled test of slot {@code slot} (its nominal time) on {@code deviceId}, not received in time. */
    public static String expectedTest(String deviceId, Instant slot) {
        return "expected:" + DeviceIds.check(deviceId) + ":" + slot.getEpochSecond();
    }

    /** The test a worker asked device {@code deviceId} for with test request number {@code request}. */
    public static String requestedTest(String deviceId, long request) {
        return "expected:" + DeviceIds.check(deviceId) + ":request:" + request;
    }

    /** Consent {@code consentId} ending at {@code until}. */
    public static String consentExpiring(String deviceId, String consentId, Instant until) {
        return "consent-ending:" + DeviceIds.check(deviceId) + ":" + consentId + ":" + until.toEpochMilli();
    }

    /** A silence that began when the device was last heard, at {@code lastHeardAt}. */
    public static String silence(String deviceId, Instant lastHeardAt) {
        return "silent:" + DeviceIds.check(deviceId) + ":" + lastHeardAt.toEpochMilli();
    }
}
