package org.breathgate.receiver.ingest.deviceapi;

import org.breathgate.attestation.AttestationRequest;
import org.breathgate.attestation.Challenge;
import org.breathgate.attestation.PendingChallenge;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.StoreException;
import org.breathgate.receiver.https.ApiException;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The TPM attestation challenges between enrollment's step 1 and step 2, kept in the database (table
 * {@code attestation_challenges}) so that every receiver on one database can take step 2, whichever receiver answered
 * step 1, and a restarted receiver still knows them. A challenge is taken once: the first step 2 that deletes it gets
 * it, a second gets nothing. Expired challenges are never handed out and are deleted at the next step 1. Thread-safe.
 */
final class OpenChallenges {

    /** Open challenges kept at most (all receivers together); beyond this step 1 answers 503 {@code busy}. */
    static final int MAX_OPEN = 1000;

    /** A challenge and the enrollment code (its hash) it was asked with. */
    record Open(PendingChallenge pending, String codeHash) {
    }

    private final Database database;
    private final Clock clock;

    OpenChallenges(Database database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Keeps {@code pending}, asked with the code hashed as {@code codeHash}.
     *
     * @throws ApiException 503 {@code busy} when {@link #MAX_OPEN} unexpired challenges are open
     */
    void add(PendingChallenge pending, String codeHash) {
        long now = clock.millis();
        boolean added = write(c -> {
            try (PreparedStatement purge = c.prepareStatement("delete from attestation_challenges where expires_at_ms < ?")) {
                purge.setLong(1, now);
                purge.executeUpdate();
            }
            try (PreparedStatement count = c.prepareStatement("select count(*) from attestation_challenges");
                 ResultSet rs = count.executeQuery()) {
                rs.next();
                if (rs.getLong(1) >= MAX_OPEN) {
                    return false;
                }
            }
            Challenge ch = pending.challenge();
            AttestationRequest r = pending.request();
            try (PreparedStatement insert = c.prepareStatement("insert into attestation_challenges (id, code_hash, expires_at_ms,"
                    + " ek_certificate, ek_chain, ak_public, credential_blob, encrypted_secret, nonce, secret)"
                    + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, ch.id());
                insert.setString(2, codeHash);
                insert.setLong(3, ch.expires().toEpochMilli());
                insert.setBytes(4, r.ekCertificate());
                insert.setString(5, String.join(",", r.ekChain().stream().map(b -> Base64.getEncoder().encodeToString(b)).toList()));
                insert.setBytes(6, r.akPublic());
                insert.setBytes(7, ch.credentialBlob());
                insert.setBytes(8, ch.encryptedSecret());
                insert.setBytes(9, ch.nonce());
                insert.setBytes(10, pending.secret());
                insert.executeUpdate();
            }
            return true;
        });
        if (!added) {
            throw new ApiException(503, "busy", "too many attestations are under way; try again in a minute",
                    Map.of("Retry-After", "60"));
        }
    }

    /** Takes the challenge {@code id} for its one use; empty when unknown, already taken, or expired. */
    Optional<Open> take(String id) {
        Instant now = clock.instant();
        return write(c -> {
            // One statement deletes and returns the row: of two receivers taking the same challenge, one gets it.
            try (PreparedStatement take = c.prepareStatement("delete from attestation_challenges where id = ? returning code_hash,"
                    + " expires_at_ms, ek_certificate, ek_chain, ak_public, credential_blob, encrypted_secret, nonce, secret")) {
                take.setString(1, id);
                try (ResultSet rs = take.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    Instant expires = Instant.ofEpochMilli(rs.getLong(2));
                    List<byte[]> chain = new ArrayList<>();
                    String chainText = rs.getString(4);
                    if (!chainText.isEmpty()) {
                        for (String part : chainText.split(",")) {
                            chain.add(Base64.getDecoder().decode(part));
                        }
                    }
                    AttestationRequest request = new AttestationRequest(rs.getBytes(3), chain, rs.getBytes(5));
                    Challenge challenge = new Challenge(id, rs.getBytes(6), rs.getBytes(7), rs.getBytes(8), expires);
                    return now.isAfter(expires) ? Optional.<Open>empty()
                            : Optional.of(new Open(new PendingChallenge(request, challenge, rs.getBytes(9)), rs.getString(1)));
                }
            }
        });
    }

    private <T> T write(Database.SqlWork<T> work) {
        try {
            return database.inTransaction(work);
        } catch (SQLException e) {
            throw new StoreException("the open attestation challenges could not be read or written: " + e.getMessage(), e);
        }
    }
}
