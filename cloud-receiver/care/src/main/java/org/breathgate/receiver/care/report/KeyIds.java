package org.breathgate.receiver.care.report;

import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.StoredJws;

/** Which key signed a stored event: the {@code kid} in the protected header of its compact signed form. */
public final class KeyIds {

    private KeyIds() {
    }

    /** The {@code kid} (e.g. {@code home-0001:1}) of {@code compact}, or {@code unknown} if it cannot be read. */
    public static String of(String compact) {
        try {
            return StoredJws.read(compact).keyId().toString();
        } catch (InvalidMessageException | RuntimeException e) {
            return "unknown";
        }
    }
}
