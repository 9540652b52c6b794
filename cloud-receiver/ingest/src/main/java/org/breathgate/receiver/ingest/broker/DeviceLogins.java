package org.breathgate.receiver.ingest.broker;

import java.util.Optional;
import java.util.Set;

/**
 * The embedded broker's port to the device registry: whether a login is a device's current one, and which devices'
 * logins changed (replaced or removed) since it last looked, so that it can disconnect them. The app backs it with the
 * evidence room's {@code BrokerLogins}; the broker keeps no copy of its own, only which login version each connected
 * device used, so that a change disconnects exactly the sessions it made stale.
 */
public interface DeviceLogins {

    /**
     * If {@code username}/{@code password} is the current login of an active device, that login's version (any value that
     * changes when the login is replaced); empty otherwise. Called at every connect.
     */
    Optional<String> check(String username, String password);

    /** The version of {@code deviceId}'s current login, or empty if it has none (revoked, never made). */
    Optional<String> currentVersion(String deviceId);

    /** Where the change log stands now: the first {@link #changedAfter} starts from here. */
    long position();

    /** The devices whose login changed after {@code position}, and the new position. */
    Changes changedAfter(long position);

    /** @param position where the log stands after these changes */
    record Changes(long position, Set<String> deviceIds) {
        public Changes {
            deviceIds = Set.copyOf(deviceIds);
        }
    }
}
