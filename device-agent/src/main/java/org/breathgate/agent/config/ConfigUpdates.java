package org.breathgate.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.breathgate.agent.evidence.EvidenceRecorder;
import org.breathgate.agent.outbox.AgentState;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.TamperKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiver's signed configuration (schedule, threshold, language, heartbeat interval) in
 * place of the local file's: restored at start from the outbox file, or on first start from the
 * one enrollment left; a newer version from the receiver is stored and then used; a lower or
 * equal version is ignored; one that fails verification is not used and becomes a
 * {@code CONFIG_REJECTED} tamper event, at most one per {@link #REJECTIONS_EVERY}: whoever can publish junk on the
 * device's config topic must not make it sign a flood of tamper events (each one evidence, and an alert). Rejections in
 * between are counted, and the next event says how many there were.
 *
 * <p>{@link #offer} and {@link #rejected} run on the agent thread; {@link #version} may be read
 * from any thread.
 */
public final class ConfigUpdates {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigUpdates.class);

    private final String deviceId;
    private final MessageVerifier receiverVerifier;
    private final AgentState store;
    private final Path enrolledFile;
    private final EvidenceRecorder recorder;
    private final Consumer<ConfigUpdate> apply;
    private final java.util.function.LongSupplier monotonicMs;
    private volatile long version;
    // Agent thread only.
    private long lastRejectionRecordedMs = Long.MIN_VALUE;
    private long rejectionsNotRecorded;

    /**
     * A {@code config_rejected} tamper event at most this often. An hour: a genuine problem (a receiver key the device does
     * not have) shows within it, and a flood of junk costs one event an hour instead of one per message.
     */
    public static final java.time.Duration REJECTIONS_EVERY = java.time.Duration.ofHours(1);

    /**
     * @param receiverVerifier knows the receiver's keys
     * @param enrolledFile     where setup left the receiver's first configuration
     * @param apply            puts a configuration to use (schedule, threshold, language, heartbeat)
     * @param monotonicMs      the monotonic clock (ms), which times the rate limit of rejections (wall time may jump)
     */
    public ConfigUpdates(String deviceId, MessageVerifier receiverVerifier, AgentState store, Path enrolledFile,
                         EvidenceRecorder recorder, Consumer<ConfigUpdate> apply, java.util.function.LongSupplier monotonicMs) {
        this.monotonicMs = Objects.requireNonNull(monotonicMs, "monotonicMs");
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.receiverVerifier = Objects.requireNonNull(receiverVerifier, "receiverVerifier");
        this.store = Objects.requireNonNull(store, "store");
        this.enrolledFile = Objects.requireNonNull(enrolledFile, "enrolledFile");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.apply = Objects.requireNonNull(apply, "apply");
    }

    /** Uses the configuration stored last, or else the enrollment's, if it still verifies. */
    public void restore() {
        Optional<String> stored = store.receiverConfig();
        if (stored.isEmpty()) {
            stored = enrolledConfig();
        }
        if (stored.isEmpty()) {
            return;
        }
        try {
            SignedMessage m = receiverVerifier.verify(stored.get(), KeyId.RECEIVER);
            if (m.message() instanceof ConfigUpdate u && u.deviceId().equals(deviceId)) {
                use(u);
            }
        } catch (InvalidMessageException e) {
            LOG.error("The stored receiver configuration no longer verifies ({}); using the local file's until a new one arrives",
                    e.getMessage());
        }
    }

    /** The configuration the receiver gave at enrollment, stored in the outbox on first use. */
    private Optional<String> enrolledConfig() {
        if (!Files.exists(enrolledFile)) {
            return Optional.empty();
        }
        try {
            String compact = Files.readString(enrolledFile, StandardCharsets.US_ASCII).strip();
            SignedMessage m = receiverVerifier.verify(compact, KeyId.RECEIVER);
            if (m.message() instanceof ConfigUpdate u && u.deviceId().equals(deviceId)) {
                store.saveReceiverConfig(compact);
                return Optional.of(compact);
            }
            LOG.warn("{} is not a configuration for {}; ignored", enrolledFile, deviceId);
        } catch (IOException | InvalidMessageException e) {
            LOG.warn("The enrollment configuration {} cannot be used ({}); waiting for one from the receiver", enrolledFile, e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * A configuration from the receiver whose signature verified: stored and used when its version
     * is newer than the one in use.
     *
     * @return whether it is now in use
     */
    public boolean offer(ConfigUpdate update, SignedMessage signed) {
        if (update.version() <= version) {
            LOG.info("Ignoring configuration version {}: version {} is in use", update.version(), version);
            return false;
        }
        store.saveReceiverConfig(signed.compact());
        use(update);
        return true;
    }

    /**
     * A configuration message failed verification and was not used: that is evidence, recorded at most once per
     * {@link #REJECTIONS_EVERY}; the ones in between are counted into the next. Returns whether a tamper event was recorded.
     */
    public boolean rejected(String detail) {
        long now = monotonicMs.getAsLong();
        if (lastRejectionRecordedMs != Long.MIN_VALUE && now - lastRejectionRecordedMs < REJECTIONS_EVERY.toMillis()
                && now >= lastRejectionRecordedMs) {
            rejectionsNotRecorded++;
            LOG.warn("Configuration not used ({}); {} such rejections since the last tamper event, which is recorded at most once an hour",
                    detail, rejectionsNotRecorded);
            return false;
        }
        String more = rejectionsNotRecorded == 0 ? "" : " (and " + rejectionsNotRecorded + " more rejected since the previous such event)";
        String text = "configuration not used: " + detail;
        int room = 500 - more.length();
        recorder.recordTamper(TamperKind.CONFIG_REJECTED, (text.length() > room ? text.substring(0, room) : text) + more);
        lastRejectionRecordedMs = now;
        rejectionsNotRecorded = 0;
        return true;
    }

    private void use(ConfigUpdate u) {
        apply.accept(u);
        version = u.version();
    }

    /** The version of the receiver's configuration in use; 0 while the local file's is. */
    public long version() {
        return version;
    }
}
