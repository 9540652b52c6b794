package org.breathgate.receiver.web.auth;

import org.breathgate.care.access.Actor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions in memory, keyed by the SHA-256 of their id: random 256-bit ids (base64url), never kept in
 * clear, so not even a heap dump hands out a usable cookie. A restart signs everyone out; that is the
 * price of not persisting sessions, and it is small (one more sign-in).
 */
final class SessionStore {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    /** 32 random bytes are 43 base64url characters. */
    static final int ID_LENGTH = 43;

    private final Map<String, WebSession> sessions = new ConcurrentHashMap<>();
    private final SessionPolicy policy;
    private final SecureRandom random;

    SessionStore(SessionPolicy policy, SecureRandom random) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A new session for {@code actor} ({@code null}: pre-login); returns its id, to be put in the cookie. */
    String create(Actor actor, Instant now) {
        if (sessions.size() >= policy.maxSessions()) {
            makeRoom(now);
        }
        String id = token();
        sessions.put(hash(id), new WebSession(actor, token(), now, now));
        return id;
    }

    /** The live session with {@code id}, touched (its idle time restarts); expired ones are removed and reported as such. */
    Lookup find(String id, Instant now) {
        if (id == null || id.length() != ID_LENGTH) {
            return Lookup.NONE;
        }
        String key = hash(id);
        WebSession s = sessions.get(key);
        if (s == null) {
            return Lookup.NONE;
        }
        if (s.expiredAt(now, policy)) {
            sessions.remove(key, s);
            return new Lookup(null, s);
        }
        WebSession touched = s.seenAt(now);
        sessions.replace(key, s, touched);
        return new Lookup(touched, null);
    }

    /** Ends the session with {@code id}, if any. */
    Optional<WebSession> remove(String id) {
        if (id == null || id.length() != ID_LENGTH) {
            return Optional.empty();
        }
        return Optional.ofNullable(sessions.remove(hash(id)));
    }

    /** Ends every session of {@code userId} (e.g. the account was removed or its password changed). */
    int removeUser(String userId) {
        int[] n = {0};
        sessions.values().removeIf(s -> {
            boolean match = s.actor() != null && s.actor().userId().equals(userId);
            if (match) {
                n[0]++;
            }
            return match;
        });
        return n[0];
    }

    int size() {
        return sessions.size();
    }

    private void makeRoom(Instant now) {
        sessions.values().removeIf(s -> s.expiredAt(now, policy));
        while (sessions.size() >= policy.maxSessions()) {
            Optional<Map.Entry<String, WebSession>> oldest = sessions.entrySet().stream().filter(e -> !e.getValue().signedIn())
                    .min(Comparator.comparing(e -> e.getValue().lastSeen()));
            if (oldest.isEmpty()) {
                oldest = sessions.entrySet().stream().min(Comparator.comparing(e -> e.getValue().lastSeen()));
            }
            if (oldest.isEmpty()) {
                return;
            }
            sessions.remove(oldest.get().getKey());
        }
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return B64.encodeToString(bytes);
    }

    static String hash(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * The result of a lookup.
     *
     * @param live    the session, touched, or {@code null}
     * @param expired the session that had just ended, or {@code null}
     */
    record Lookup(WebSession live, WebSession expired) {
        static final Lookup NONE = new Lookup(null, null);
    }
}
