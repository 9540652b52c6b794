package org.breathgate.receiver.care.delivery;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How to reach the SMTP server alerts are e-mailed through.
 *
 * @param host     the server
 * @param port     its port (587 for STARTTLS, 465 for TLS, 25 for none are the usual ones)
 * @param security how the connection is protected
 * @param username the SMTP user, or {@code null} to send without logging in
 * @param password the SMTP password, or {@code null}; set exactly when {@code username} is
 * @param from     the sender address, e.g. {@code Breathgate <alerts@care.example.org>}
 * @param timeout  connect, read and write timeout of one attempt
 */
public record MailSettings(String host, int port, Security security, String username, String password, String from, Duration timeout) {

    /** How the SMTP connection is protected. */
    public enum Security {
        /** Plain connection upgraded with STARTTLS, which is required (port 587): the usual submission setup. */
        STARTTLS,
        /** TLS from the first byte (port 465). */
        TLS,
        /** No encryption: only for a mail relay on the same machine or a test server. */
        NONE;

        public static Security parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("SMTP security must be starttls, tls or none, was '" + text + "'", e);
            }
        }

        /** The usual port for this kind of connection. */
        public int defaultPort() {
            return this == TLS ? 465 : this == STARTTLS ? 587 : 25;
        }
    }

    public MailSettings {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("SMTP port must be 1-65535, was " + port);
        }
        Objects.requireNonNull(security, "security");
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("an SMTP user name and password go together");
        }
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** Without a password in the text (for logs). */
    @Override
    public String toString() {
        return "smtp " + security.name().toLowerCase(Locale.ROOT) + "://" + (username == null ? "" : username + "@") + host + ":" + port
                + " from " + from;
    }
}
