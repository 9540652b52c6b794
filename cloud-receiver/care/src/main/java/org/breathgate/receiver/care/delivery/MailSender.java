package org.breathgate.receiver.care.delivery;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Objects;
import java.util.Properties;

/**
 * Sends alert mails over SMTP with Jakarta Mail (Eclipse Angus): one connection per mail, with timeouts, so a hung
 * server costs one attempt and never a thread for good. Thread-safe: {@link Session} is.
 */
public final class MailSender {

    private final MailSettings settings;
    private final Session session;
    private final InternetAddress from;

    public MailSettings settings() {
        return settings;
    }

    public MailSender(MailSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Properties p = new Properties();
        String timeout = Long.toString(settings.timeout().toMillis());
        String protocol = settings.security() == MailSettings.Security.TLS ? "smtps" : "smtp";
        p.put("mail.transport.protocol", protocol);
        p.put("mail." + protocol + ".host", settings.host());
        p.put("mail." + protocol + ".port", Integer.toString(settings.port()));
        p.put("mail." + protocol + ".connectiontimeout", timeout);
        p.put("mail." + protocol + ".timeout", timeout);
        p.put("mail." + protocol + ".writetimeout", timeout);
        p.put("mail." + protocol + ".auth", Boolean.toString(settings.username() != null));
        if (settings.security() == MailSettings.Security.STARTTLS) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            p.put("mail.smtp.ssl.checkserveridentity", "true");
        } else if (settings.security() == MailSettings.Security.TLS) {
            p.put("mail.smtps.ssl.checkserveridentity", "true");
        }
        // The name said in EHLO, looked up once here rather than on every connection (a slow resolver would add its delay
        // to every alert).
        p.put("mail." + protocol + ".localhost", localName());
        this.session = Session.getInstance(p);
        try {
            session.getTransport(protocol); // loads the provider now, not at the first alert
        } catch (jakarta.mail.NoSuchProviderException e) {
            throw new IllegalStateException("Angus Mail has no " + protocol + " provider on the class path", e);
        }
        try {
            this.from = new InternetAddress(settings.from(), true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("the sender address '" + settings.from() + "' is not an e-mail address: " + e.getMessage(), e);
        }
    }

    /**
     * Sends {@code mail} to {@code to}.
     *
     * @param messageId the Message-ID, the same on every attempt of one delivery so mail programs can tell a repeat
     * @throws DeliveryException if the server cannot be reached or does not take the mail
     */
    void send(String to, AlertMail mail, String messageId) throws DeliveryException {
        try {
            MimeMessage message = new FixedIdMessage(session, messageId);
            message.setFrom(from);
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
            message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
            message.setText(mail.body(), StandardCharsets.UTF_8.name());
            message.setHeader("Content-Language", mail.language());
            message.setHeader("Auto-Submitted", "auto-generated");
            message.setSentDate(new Date());
            if (settings.username() == null) {
                Transport.send(message);
            } else {
                Transport.send(message, settings.username(), settings.password());
            }
        } catch (AddressException e) {
            throw new DeliveryException("not an e-mail address: " + to + " (" + e.getMessage() + ")", e);
        } catch (MessagingException e) {
            throw new DeliveryException("SMTP " + settings.host() + ":" + settings.port() + ": " + describe(e), e);
        }
    }

    private static String localName() {
        try {
            String name = java.net.InetAddress.getLocalHost().getCanonicalHostName();
            return name == null || name.isBlank() ? "localhost" : name;
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    private static String describe(MessagingException e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()).strip());
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
            text.append(": ").append(cause.getMessage().strip());
        }
        return text.toString();
    }

    /** A message whose Message-ID is ours, not a fresh one per attempt. */
    private static final class FixedIdMessage extends MimeMessage {
        private final String messageId;

        FixedIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
