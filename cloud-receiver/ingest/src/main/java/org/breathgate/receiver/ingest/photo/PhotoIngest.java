package org.breathgate.receiver.ingest.photo;

import org.breathgate.receiver.evidence.photo.PhotoStore;
import org.breathgate.receiver.evidence.photo.StoredPhoto;

import org.breathgate.protocol.Ack;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.PhotoChunk;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.ReadingPhoto;
import org.breathgate.protocol.photo.Photos;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.evidence.store.EvidenceListener;
import org.breathgate.receiver.ingest.mqtt.PhotoHandler;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.store.StoredEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reassembles photos from verified chunks, checks each against the SHA-256 and size its signed
 * reading states, stores it beside the reading, and answers the device (docs/protocol.md, "photo").
 *
 * <p>One thread does all photo work, each chunk in one database transaction, and tells the broker
 * a chunk is handled only after that commit. A photo whose reading has not arrived is held (bounded
 * per device, in bytes, and in time) and stored when the reading is ({@link #onStored}). Bytes that
 * do not match the signed reading are quarantined with the reason {@code hash_mismatch}, never stored
 * as evidence.
 */
public final class PhotoIngest implements PhotoHandler, EvidenceListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PhotoIngest.class);
    /** Quarantine reasons for photos (also the ack's photo results). */
    public static final String HASH_MISMATCH = "hash_mismatch";
    public static final String NOT_EXPECTED = "not_expected";
    public static final String NO_SUCH_READING = "no_such_reading";
    private static final Duration SWEEP_EVERY = Duration.ofHours(1);

    private sealed interface Task permits ChunkTask, ReadingTask, FlushTask {
    }

    private record ChunkTask(PhotoChunk chunk, Instant receivedAt, Runnable handled) implements Task {
    }

    private record ReadingTask(Reading reading, StoredEvent stored) implements Task {
    }

    private record FlushTask(java.util.concurrent.CountDownLatch done) implements Task {
    }

    private final Database database;
    private final PhotoStore store;
    private final Clock clock;
    private final List<EvidenceListener> tamperListeners;
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>(10_000);
    private final Thread thread;
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong quarantined = new AtomicLong();
    private volatile Answers answers = (d, e) -> { };
    private volatile boolean running = true;
    private Instant sweptAt = Instant.EPOCH;

    /**
     * @param tamperListeners told about quarantined photos ({@code onQuarantined} with reason
     *                        {@code photo_hash_mismatch}, verified: the chunks were signed by the device), e.g. the care
     *                        scheduler, which raises an alert
     */
    public PhotoIngest(Database database, PhotoStore store, Clock clock, List<EvidenceListener> tamperListeners) {
        this.database = Objects.requireNonNull(database, "database");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tamperListeners = List.copyOf(tamperListeners);
        this.thread = new Thread(this::run, "photo-ingest");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    @Override
    public void answerWith(Answers answers) {
        this.answers = Objects.requireNonNull(answers, "answers");
    }

    @Override
    public void onChunk(PhotoChunk chunk, Instant receivedAt, Runnable handled) {
        offer(new ChunkTask(chunk, receivedAt, handled));
    }

    /** A reading was stored: a photo held for it can now be checked and stored. */
    @Override
    public void onStored(StoredEvent event) {
        // Only a reading that took a photo can complete a held one (a photo for a reading without one is
        // refused when its device asks again); other readings cost ingest nothing here.
        if (event.event() instanceof Reading reading && reading.photo() instanceof ReadingPhoto.Taken) {
            offer(new ReadingTask(reading, event));
        }
    }

    /** Waits until everything queued so far is done (tests). */
    public boolean flush(Duration timeout) throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        offer(new FlushTask(done));
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Photos stored and quarantined since start. */
    public long storedCount() {
        return stored.get();
    }

    public long quarantinedCount() {
        return quarantined.get();
    }

    private void offer(Task task) {
        try {
            while (running && !queue.offer(task, 100, TimeUnit.MILLISECONDS)) {
                // back pressure on ingest while the photo thread catches up
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            Task task;
            try {
                task = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            try {
                sweep();
                if (task instanceof ChunkTask c) {
                    handleChunk(c);
                } else if (task instanceof ReadingTask r) {
                    handleReading(r);
                } else if (task instanceof FlushTask f) {
                    f.done().countDown();
                }
            } catch (SQLException | RuntimeException e) {
                // Not confirmed to the broker: the chunk comes again (or the device asks again).
                LOG.error("photo work failed ({}); the device will send again", e.getMessage(), e);
            }
        }
    }

    /** What one piece of photo work decided: the answer to send (if any) and a quarantine notice. */
    private record Outcome(String deviceId, Ack.PhotoEntry answer, String quarantineReason, long seq, String detail) {
        static Outcome none() {
            return new Outcome(null, null, null, 0, null);
        }

        static Outcome answer(String deviceId, long seq, Ack.PhotoResult result) {
            return new Outcome(deviceId, new Ack.PhotoEntry(seq, result), null, seq, null);
        }
    }

    private void handleChunk(ChunkTask task) throws SQLException {
        PhotoChunk chunk = task.chunk();
        Outcome outcome = database.inTransaction(c -> decideChunk(c, chunk, task.receivedAt()));
        task.handled().run();
        deliver(outcome);
    }

    private Outcome decideChunk(Connection c, PhotoChunk chunk, Instant receivedAt) throws SQLException {
        String device = chunk.deviceId();
        long seq = chunk.readingSeq();
        Optional<StoredPhoto> existing = store.find(c, device, seq);
        if (existing.isPresent()) {
            return Outcome.answer(device, seq, existing.get().sha256().equals(chunk.sha256())
                    ? Ack.PhotoResult.DUPLICATE : Ack.PhotoResult.HASH_MISMATCH);
        }
        Optional<String> refused = store.quarantineReason(c, device, seq);
        if (refused.isPresent()) {
            return Outcome.answer(device, seq, resultOf(refused.get()));
        }
        Optional<StoredEvent> event = EvidenceReader.event(c, device, seq);
        if (event.isEmpty()) {
            // The reading has not arrived (yet): hold the photo, within bounds.
            boolean knownTransfer = !store.heldPhotos(c, device, seq).isEmpty();
            if (!knownTransfer && (store.heldReadings(c, device, seq) >= store.settings().maxHeldPerDevice()
                    || store.heldBytes(c) + chunk.size() > store.settings().maxHeldBytes())) {
                return Outcome.answer(device, seq, Ack.PhotoResult.BUSY);
            }
            store.putChunk(c, chunk, receivedAt);
            List<Integer> missing = store.missingChunks(c, device, seq, chunk.sha256(), chunk.count());
            if (missing.isEmpty()) {
                return Outcome.answer(device, seq, Ack.PhotoResult.PENDING);
            }
            return chunk.last() ? new Outcome(device, new Ack.PhotoEntry(seq, Ack.PhotoResult.INCOMPLETE, missing), null, seq, null)
                    : Outcome.none();
        }
        EvidenceEvent evidence = event.get().event();
        if (!(evidence instanceof Reading reading)) {
            store.quarantine(c, device, seq, NO_SUCH_READING, "seq " + seq + " is a " + evidence.type().wireName() + ", not a reading",
                    chunk.sha256(), null, receivedAt);
            return new Outcome(device, new Ack.PhotoEntry(seq, Ack.PhotoResult.NO_SUCH_READING), null, seq, null);
        }
        if (!(reading.photo() instanceof ReadingPhoto.Taken)) {
            store.quarantine(c, device, seq, NOT_EXPECTED, "the signed reading says no photo was taken", chunk.sha256(), null, receivedAt);
            store.dropChunks(c, device, seq);
            return new Outcome(device, new Ack.PhotoEntry(seq, Ack.PhotoResult.NOT_EXPECTED), null, seq, null);
        }
        store.putChunk(c, chunk, receivedAt);
        List<Integer> missing = store.missingChunks(c, device, seq, chunk.sha256(), chunk.count());
        if (!missing.isEmpty()) {
            return chunk.last() ? new Outcome(device, new Ack.PhotoEntry(seq, Ack.PhotoResult.INCOMPLETE, missing), null, seq, null)
                    : Outcome.none();
        }
        return complete(c, reading, event.get(), chunk.sha256(), chunk.size(), receivedAt);
    }

    /** All chunks of the photo {@code sha256} of {@code reading} are here: check and store, or quarantine. */
    private Outcome complete(Connection c, Reading reading, StoredEvent stored, String sha256, int size, Instant now)
            throws SQLException {
        String device = reading.deviceId();
        long seq = reading.seq();
        ReadingPhoto.Taken statement = (ReadingPhoto.Taken) reading.photo();
        byte[] bytes = store.assemble(c, device, seq, sha256, size);
        store.dropChunks(c, device, seq);
        if (!Photos.matches(statement, bytes)) {
            String actual = Photos.sha256Hex(bytes);
            String detail = "the photo's bytes (sha256 " + actual + ", " + bytes.length + " bytes) do not match the signed reading"
                    + " (sha256 " + statement.sha256() + ", " + statement.size() + " bytes)";
            store.quarantine(c, device, seq, HASH_MISMATCH, detail, sha256, bytes, now);
            return new Outcome(device, new Ack.PhotoEntry(seq, Ack.PhotoResult.HASH_MISMATCH), HASH_MISMATCH, seq, detail);
        }
        Instant takenAt = stored.attributionTime();
        store.store(c, new StoredPhoto(device, seq, statement.sha256(), statement.size(), statement.mediaType(), takenAt, now), bytes);
        return Outcome.answer(device, seq, Ack.PhotoResult.STORED);
    }

    private void handleReading(ReadingTask task) throws SQLException {
        Reading reading = task.reading();
        if (database.read(c -> store.heldPhotos(c, reading.deviceId(), reading.seq())).isEmpty()) {
            return; // the usual case: the photo follows its reading
        }
        Outcome outcome = database.inTransaction(c -> {
            List<Object[]> held = store.heldPhotos(c, reading.deviceId(), reading.seq());
            if (held.isEmpty() || store.find(c, reading.deviceId(), reading.seq()).isPresent()) {
                return Outcome.none();
            }
            Instant now = clock.instant();
            if (!(reading.photo() instanceof ReadingPhoto.Taken)) {
                store.quarantine(c, reading.deviceId(), reading.seq(), NOT_EXPECTED, "the signed reading says no photo was taken",
                        (String) held.get(0)[0], null, now);
                store.dropChunks(c, reading.deviceId(), reading.seq());
                return Outcome.answer(reading.deviceId(), reading.seq(), Ack.PhotoResult.NOT_EXPECTED);
            }
            for (Object[] photo : held) {
                String sha = (String) photo[0];
                int size = (Integer) photo[1];
                int count = (Integer) photo[2];
                if (store.missingChunks(c, reading.deviceId(), reading.seq(), sha, count).isEmpty()) {
                    return complete(c, reading, task.stored(), sha, size, now);
                }
            }
            return Outcome.none(); // still in transfer: the last chunk will complete it
        });
        deliver(outcome);
    }

    private void deliver(Outcome outcome) {
        if (outcome.answer() == null) {
            return;
        }
        Ack.PhotoResult result = outcome.answer().result();
        if (result == Ack.PhotoResult.STORED) {
            stored.incrementAndGet();
            LOG.info("photo of {}#{} stored", outcome.deviceId(), outcome.seq());
        } else if (result == Ack.PhotoResult.HASH_MISMATCH && outcome.quarantineReason() != null) {
            quarantined.incrementAndGet();
            LOG.warn("photo of {}#{} quarantined: {}", outcome.deviceId(), outcome.seq(), outcome.detail());
            for (EvidenceListener l : tamperListeners) {
                try {
                    l.onQuarantined(new EvidenceListener.Quarantined("photo_" + HASH_MISMATCH, outcome.deviceId(), outcome.seq(),
                            outcome.detail(), true, true, clock.instant()));
                } catch (RuntimeException e) {
                    LOG.error("listener {} failed on a photo quarantine: {}", l, e.getMessage(), e);
                }
            }
        }
        answers.answer(outcome.deviceId(), outcome.answer());
    }

    private static Ack.PhotoResult resultOf(String reason) {
        switch (reason) {
            case HASH_MISMATCH:
                return Ack.PhotoResult.HASH_MISMATCH;
            case NOT_EXPECTED:
                return Ack.PhotoResult.NOT_EXPECTED;
            default:
                return Ack.PhotoResult.NO_SUCH_READING;
        }
    }

    /** Drops held chunks whose time is up (at most hourly). */
    private void sweep() throws SQLException {
        Instant now = clock.instant();
        if (Duration.between(sweptAt, now).compareTo(SWEEP_EVERY) < 0) {
            return;
        }
        sweptAt = now;
        Instant before = now.minus(store.settings().holdFor());
        int dropped = database.inTransaction(c -> store.dropChunksOlderThan(c, before));
        if (dropped > 0) {
            LOG.info("dropped {} held photo transfer(s) older than {} (their devices still have them)", dropped, store.settings().holdFor());
        }
    }
}
