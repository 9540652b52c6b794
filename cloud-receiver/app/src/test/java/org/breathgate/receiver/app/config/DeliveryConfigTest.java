package org.breathgate.receiver.app.config;

import org.breathgate.receiver.care.delivery.Delivery;
import org.breathgate.receiver.care.delivery.MailSettings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code mail.*} and {@code delivery.*} configuration keys. */
class DeliveryConfigTest {

    @Test
    void defaults_send_no_mail_and_retry_as_the_core_says() {
        ReceiverConfig config = ReceiverConfig.from(Map.of());
        ReceiverConfig.Delivery d = config.delivery();
        assertNull(config.mail().smtpHost());
        assertFalse(config.mail().enabled());
        assertNull(d.signInUrl());
        assertEquals(30, d.retryBaseSeconds());
        assertEquals(3600, d.retryCapSeconds());
        assertEquals(24, d.maxAttempts());
        assertEquals(org.breathgate.care.webhook.RetryBackoff.DEFAULT.maxAttempts(), d.maxAttempts());
        assertEquals(4, d.threads());
        assertEquals(10, d.timeoutSeconds());
    }

    @Test
    void a_mail_server_with_login_and_the_sign_in_link_from_the_public_url(@TempDir Path dir) throws Exception {
        Path password = Files.writeString(dir.resolve("smtp-password"), "s3cret\nignored\n");
        Map<String, String> v = new HashMap<>();
        v.put(ReceiverConfig.MAIL_SMTP_HOST, "smtp.example.fi");
        v.put(ReceiverConfig.MAIL_SMTP_SECURITY, "tls");
        v.put(ReceiverConfig.MAIL_SMTP_USERNAME, "breathgate");
        v.put(ReceiverConfig.MAIL_SMTP_PASSWORD_FILE, password.toString());
        v.put(ReceiverConfig.MAIL_FROM, "Breathgate <alerts@example.fi>");
        v.put(ReceiverConfig.WEB_PUBLIC_URL, "https://care.example.fi:8443");
        ReceiverConfig config = ReceiverConfig.from(v);
        ReceiverConfig.Mail m = config.mail();
        assertEquals(465, m.smtpPort(), "TLS defaults to 465");
        assertEquals("s3cret", m.readSmtpPassword());
        assertEquals("https://care.example.fi:8443", config.delivery().signInUrl());
        MailSettings.Security.parse(m.smtpSecurity());
    }

    @Test
    void inconsistent_mail_settings_are_refused_by_name() {
        assertMessage(Map.of(ReceiverConfig.MAIL_SMTP_HOST, "smtp.example.fi"), ReceiverConfig.MAIL_FROM);
        assertMessage(Map.of(ReceiverConfig.MAIL_FROM, "a@example.fi"), ReceiverConfig.MAIL_SMTP_HOST);
        assertMessage(Map.of(ReceiverConfig.MAIL_SMTP_HOST, "h", ReceiverConfig.MAIL_FROM, "a@example.fi",
                ReceiverConfig.MAIL_SMTP_SECURITY, "ssl"), ReceiverConfig.MAIL_SMTP_SECURITY);
        assertMessage(Map.of(ReceiverConfig.MAIL_SMTP_HOST, "h", ReceiverConfig.MAIL_FROM, "a@example.fi",
                ReceiverConfig.MAIL_SMTP_USERNAME, "u"), ReceiverConfig.MAIL_SMTP_PASSWORD_FILE);
        assertMessage(Map.of(ReceiverConfig.DELIVERY_SIGN_IN_URL, "ftp://x"), ReceiverConfig.DELIVERY_SIGN_IN_URL);
        assertMessage(Map.of(ReceiverConfig.DELIVERY_RETRY_BASE_SECONDS, "600", ReceiverConfig.DELIVERY_RETRY_CAP_SECONDS, "60"),
                ReceiverConfig.DELIVERY_RETRY_CAP_SECONDS);
    }

    private static void assertMessage(Map<String, String> values, String key) {
        ConfigException e = assertThrows(ConfigException.class, () -> ReceiverConfig.from(values));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }
}
