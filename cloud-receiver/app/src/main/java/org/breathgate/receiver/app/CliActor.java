package org.breathgate.receiver.app;

import java.util.Locale;

/** Who runs an administration command, for the audit log: {@code cli:<operating-system user>}. */
final class CliActor {

    private CliActor() {
    }

    static String name() {
        String user = System.getProperty("user.name", "unknown").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
        return "cli:" + (user.isEmpty() ? "unknown" : user.length() > 60 ? user.substring(0, 60) : user);
    }
}
