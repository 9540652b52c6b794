package org.breathgate.agent.photo;

import java.util.Objects;
import org.breathgate.agent.evidence.EvidenceRecorder;
import org.breathgate.agent.outbox.PhotoStore;
import org.breathgate.protocol.PhotoAbsence;
import org.breathgate.protocol.ReadingPhoto;
import org.breathgate.protocol.TamperKind;
import org.breathgate.protocol.photo.Photos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a reading says about its photo and whether the photo's bytes are kept: a photo is
 * kept while the photos waiting on the device stay within their budget, else the reading says
 * {@code storage_full}. Watches the camera too: a camera fault becomes one tamper event per change
 * into a fault (not one per test) and a status warning until a photo succeeds again.
 *
 * <p>{@link #decide} runs on the agent thread; {@link #cameraFault} may be read from any thread.
 */
public final class PhotoKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(PhotoKeeper.class);

    /**
     * What goes into the reading's transaction.
     *
     * @param statement what the reading signs about its photo
     * @param jpeg      the bytes to keep with it, or {@code null}
     */
    public record Kept(ReadingPhoto statement, byte[] jpeg) {
        public Kept {
            Objects.requireNonNull(statement, "statement");
        }
    }

    private final PhotoStore store;
    private final long budgetBytes;
    private final EvidenceRecorder recorder;
    /** What was wrong with the camera at the last attempt, or null when it worked (or there is none). */
    private volatile String cameraFault;
    // Agent thread only: the camera fault already reported as a tamper event.
    private String reportedCameraFault;

    /** @param budgetBytes the most the photos waiting on the device may take ({@code photo.outbox.mb}) */
    public PhotoKeeper(PhotoStore store, long budgetBytes, EvidenceRecorder recorder) {
        this.store = Objects.requireNonNull(store, "store");
        this.budgetBytes = budgetBytes;
        this.recorder = Objects.requireNonNull(recorder, "recorder");
    }

    /** The statement and bytes for a reading whose attempt gave {@code shot}; records a new camera fault first. */
    public Kept decide(PhotoTaker.Shot shot) {
        Kept kept;
        if (shot.jpeg() == null) {
            kept = new Kept(new ReadingPhoto.NotTaken(shot.absence()), null);
        } else if (store.stats().bytes() + shot.jpeg().length > budgetBytes) {
            LOG.error("The photo of this test is not kept: photos waiting on the device already take {} bytes of their {} byte"
                    + " budget. The reading says storage_full.", store.stats().bytes(), budgetBytes);
            kept = new Kept(new ReadingPhoto.NotTaken(PhotoAbsence.STORAGE_FULL), null);
        } else {
            kept = new Kept(Photos.statementOf(shot.jpeg()), shot.jpeg());
        }
        watchCamera(shot);
        return kept;
    }

    private void watchCamera(PhotoTaker.Shot shot) {
        if (shot.jpeg() != null) {
            cameraFault = null;
            reportedCameraFault = null;
            return;
        }
        if (!shot.cameraFault()) {
            return; // no camera, or no blow: nothing is wrong with the camera
        }
        cameraFault = shot.absence().wireName();
        if (!cameraFault.equals(reportedCameraFault)) {
            reportedCameraFault = cameraFault;
            recorder.recordTamper(TamperKind.CAMERA_FAULT, "no photo (" + cameraFault + "): " + shot.detail());
        }
    }

    /** Whether the last photo attempt failed because of the camera (missing, failing or hung). */
    public boolean cameraFault() {
        return cameraFault != null;
    }
}
