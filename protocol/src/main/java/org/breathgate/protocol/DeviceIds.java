package org.breathgate.protocol;

import java.util.regex.Pattern;

/**
 * The form of a device id: 3 to 63 lower-case letters, digits and '-', starting with a letter or
 * digit. The id {@code receiver} is reserved for the receiver's own keys.
 */
public final class DeviceIds {

    private static final Pattern DEVICE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{2,62}");

    private DeviceIds() {
    }

    /** Whether {@code id} is a well-formed device id. */
    public static boolean isValid(String id) {
        return id != null && DEVICE_ID.matcher(id).matches() && !id.equals(KeyId.RECEIVER);
    }

    /** Returns {@code id} if it is well formed, else throws {@link IllegalArgumentException}. */
    public static String check(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException(
                    "device id must be 3-63 characters of a-z, 0-9 and '-', starting with a letter or digit, and not 'receiver', was '" + id + "'");
        }
        return id;
    }
}
