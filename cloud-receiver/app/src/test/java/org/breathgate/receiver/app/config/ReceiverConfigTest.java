package org.breathgate.receiver.app.config;

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

class ReceiverConfigTest {

    @TempDir
    Path dir;

    @Test
    void without_settings_the_receiver_runs_an_embedded_broker_and_sqlite_in_the_data_folder() {
        ReceiverConfig config = ReceiverConfig.defaults(dir);
        assertTrue(config.broker().embedded());
        assertNull(config.broker().uri());
        assertEquals("127.0.0.1", config.broker().embeddedBind());
        assertEquals(1883, config.broker().embeddedPort());
        assertEquals("jdbc:sqlite:" + dir.resolve("breathgate.db"), config.database().jdbcUrl());
        assertEquals(dir.resolve("receiver-key.pem"), config.receiverKey().file());
        assertEquals(1, config.receiverKey().version());
        assertTrue(config.mqtt().clientId().startsWith("breathgate-receiver-"));
        assertTrue(config.web().enabled());
        assertEquals("127.0.0.1", config.web().host());
        assertEquals(8443, config.web().port());
        assertEquals(72, config.enrollment().codeLifetimeHours());
        assertEquals(false, config.enrollment().configured(), "no broker CA for devices: enrollment is not served");
    }

    @Test
    void the_embedded_broker_keeps_its_plain_listener_on_loopback_and_faces_devices_over_tls() {
        ReceiverConfig defaults = ReceiverConfig.defaults(dir);
        assertEquals(ReceiverConfig.DeviceLogins.REGISTRY, defaults.broker().deviceLogins());
        assertTrue(defaults.broker().embeddedTls().enabled());
        assertEquals("127.0.0.1", defaults.broker().embeddedTls().bind());
        assertEquals(8883, defaults.broker().embeddedTls().port());
        assertEquals(20_000, defaults.broker().embeddedMaxQueuedMessages());
        ConfigException beyond = assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("broker.embedded.bind", "0.0.0.0")));
        assertTrue(beyond.getMessage().contains("loopback") && beyond.getMessage().contains("broker.embedded.tls.bind"), beyond.getMessage());
        assertEquals("0.0.0.0", ReceiverConfig.from(Map.of("broker.embedded.tls.bind", "0.0.0.0")).broker().embeddedTls().bind());
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("broker.device-logins", "manual")),
                "the embedded broker always reads the registry");
    }

    @Test
    void an_external_broker_keeps_logins_by_hand_unless_the_receiver_drives_mosquittos_plugin_with_its_admin_login() throws Exception {
        assertEquals(ReceiverConfig.DeviceLogins.MANUAL, ReceiverConfig.from(Map.of("broker.uri", "tcp://mqtt:1883")).broker().deviceLogins());
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("broker.uri", "tcp://mqtt:1883",
                "broker.device-logins", "mosquitto-dynamic-security")), "needs the admin's login");
        Path pw = Files.writeString(dir.resolve("pw"), "secret\n");
        assertEquals(ReceiverConfig.DeviceLogins.MOSQUITTO_DYNAMIC_SECURITY, ReceiverConfig.from(Map.of("broker.uri", "tcp://mqtt:1883",
                "broker.device-logins", "mosquitto-dynamic-security", "mqtt.username", "receiver", "mqtt.password-file", pw.toString()))
                .broker().deviceLogins());
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("broker.uri", "tcp://mqtt:1883", "broker.embedded.tls.port", "8883")));
    }

    @Test
    void the_quarantine_caps_and_the_clock_tolerance_have_reasoned_defaults_and_are_checked() {
        ReceiverConfig.Ingest defaults = ReceiverConfig.defaults(dir).ingest();
        assertEquals(500, defaults.quarantinePerDevice());
        assertEquals(10_000, defaults.quarantineOverall());
        assertEquals(java.time.Duration.ofDays(90), defaults.quarantineRetention());
        assertEquals(java.time.Duration.ofMinutes(5), defaults.clockTolerance());
        ReceiverConfig.Ingest set = ReceiverConfig.from(Map.of("quarantine.max-rows-per-device", "20", "quarantine.max-rows", "30",
                "quarantine.retention", "P30D", "ingest.clock-tolerance", "PT2M")).ingest();
        assertEquals(java.time.Duration.ofDays(30), set.quarantineRetention());
        assertEquals(java.time.Duration.ofMinutes(2), set.clockTolerance());
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("quarantine.max-rows-per-device", "50", "quarantine.max-rows", "20")));
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("ingest.clock-tolerance", "PT1S")));
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("quarantine.retention", "ninety days")));
    }

    @Test
    void retention_is_an_optional_iso_period_and_the_care_zone_defaults_to_helsinki() {
        ReceiverConfig defaults = ReceiverConfig.defaults(dir);
        assertNull(defaults.care().resultsAfterCaseClosed(), "no period configured: results are kept");
        assertEquals(java.time.ZoneId.of("Europe/Helsinki"), defaults.care().zone());
        assertNull(ReceiverConfig.from(Map.of("retention.results-after-case-closed", "none")).care().resultsAfterCaseClosed());
        ReceiverConfig set = ReceiverConfig.from(Map.of("retention.results-after-case-closed", "P2Y", "care.zone", "Europe/Stockholm"));
        assertEquals(java.time.Period.ofYears(2), set.care().resultsAfterCaseClosed());
        assertEquals(java.time.ZoneId.of("Europe/Stockholm"), set.care().zone());
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("retention.results-after-case-closed", "2 years")));
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("retention.results-after-case-closed", "P-1M")));
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("care.zone", "Mars/Olympus")));
    }

    @Test
    void web_and_enrollment_settings_are_read_checked_and_default_from_an_ssl_broker() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n");
        ReceiverConfig inherited = ReceiverConfig.from(Map.of("broker.uri", "ssl://mqtt.example:8883", "mqtt.ca-file", ca.toString()));
        assertEquals("ssl://mqtt.example:8883", inherited.enrollment().deviceBrokerUri());
        assertEquals(ca, inherited.enrollment().deviceBrokerCaFile());
        assertTrue(inherited.enrollment().configured());

        ReceiverConfig own = ReceiverConfig.from(Map.of("web.host", "0.0.0.0", "web.port", "0", "web.public-url", "https://r.example:443/",
                "enrollment.broker-uri", "ssl://devices.example:8883", "enrollment.broker-ca-file", ca.toString(),
                "enrollment.code-lifetime-hours", "24"));
        assertEquals(0, own.web().port());
        assertEquals("https://r.example:443", own.web().publicUrl());
        assertEquals("ssl://devices.example:8883", own.enrollment().deviceBrokerUri());
        assertEquals(24, own.enrollment().codeLifetimeHours());

        assertEquals(false, ReceiverConfig.from(Map.of("web.enabled", "false")).web().enabled());
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("web.enabled", "yes")));
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("web.port", "70000")));
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("web.public-url", "http://r.example")));
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("enrollment.broker-uri", "mqtt://x:1")));
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("enrollment.broker-ca-file", dir.resolve("none").toString())));
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("enrollment.code-lifetime-hours", "337")));
        ConfigException pair = assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("web.tls.cert-file", ca.toString())));
        assertTrue(pair.getMessage().contains("web.tls.key-file"), pair.getMessage());
    }

    @Test
    void tpm_attestation_settings_need_vendor_ca_certificates_with_a_root_and_are_off_by_default() throws Exception {
        ReceiverConfig none = ReceiverConfig.from(Map.of());
        assertEquals(java.util.List.of(), none.enrollment().tpmVendorCaFiles());
        assertFalse(none.enrollment().requireTpmKey());

        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.pem",
                "-days", "2", "-subj", "/CN=Test TPM Vendor Root").directory(dir.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        Path root = dir.resolve("root.pem");
        ReceiverConfig tpm = ReceiverConfig.from(Map.of("enrollment.tpm-vendor-ca-files", " " + root + " ", "enrollment.require-tpm-key", "true"));
        assertEquals(java.util.List.of(root), tpm.enrollment().tpmVendorCaFiles());
        assertTrue(tpm.enrollment().requireTpmKey());

        ConfigException noCa = assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("enrollment.require-tpm-key", "true")));
        assertTrue(noCa.getMessage().contains("enrollment.tpm-vendor-ca-files"), noCa.getMessage());
        Path notPem = Files.writeString(dir.resolve("vendor.txt"), "not a certificate");
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("enrollment.tpm-vendor-ca-files", notPem.toString())));
        Path garbled = Files.writeString(dir.resolve("broken.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("enrollment.tpm-vendor-ca-files", garbled.toString())));
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("enrollment.tpm-vendor-ca-files", dir.resolve("none.pem").toString())));

        // revocation lists: read and checked at load, and only with the CA certificates that signed them
        assertEquals(java.util.List.of(), tpm.enrollment().tpmVendorCrlFiles());
        Files.writeString(dir.resolve("ca.cnf"), String.join("\n", "[ca]", "default_ca = this", "[this]", "database = " + dir.resolve("index.txt"),
                "crlnumber = " + dir.resolve("crlnumber"), "certificate = " + root, "private_key = " + dir.resolve("root.key"),
                "default_md = sha256", "default_crl_days = 7", ""));
        Files.writeString(dir.resolve("index.txt"), "");
        Files.writeString(dir.resolve("crlnumber"), "01\n");
        Process crl = new ProcessBuilder("openssl", "ca", "-config", "ca.cnf", "-gencrl", "-out", "root.crl").directory(dir.toFile())
                .redirectErrorStream(true).start();
        String made = new String(crl.getInputStream().readAllBytes());
        assertEquals(0, crl.waitFor(), made);
        Path list = dir.resolve("root.crl");
        ReceiverConfig listed = ReceiverConfig.from(Map.of("enrollment.tpm-vendor-ca-files", root.toString(),
                "enrollment.tpm-vendor-crl-files", list.toString()));
        assertEquals(java.util.List.of(list), listed.enrollment().tpmVendorCrlFiles());
        ConfigException withoutCa = assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("enrollment.tpm-vendor-crl-files",
                list.toString())));
        assertTrue(withoutCa.getMessage().contains("enrollment.tpm-vendor-ca-files"), withoutCa.getMessage());
        ConfigException notAList = assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("enrollment.tpm-vendor-ca-files",
                root.toString(), "enrollment.tpm-vendor-crl-files", root.toString())));
        assertTrue(notAList.getMessage().startsWith("enrollment.tpm-vendor-crl-files"), notAList.getMessage());
    }

    @Test
    void office_hours_are_closed_on_finlands_holidays_unless_turned_off_and_on_the_services_own_dates() {
        ReceiverConfig defaults = ReceiverConfig.from(Map.of());
        java.time.ZoneId helsinki = java.time.ZoneId.of("Europe/Helsinki");
        assertFalse(defaults.alerting().officeHoursIn(helsinki).isWorkingDay(java.time.LocalDate.of(2026, 12, 24)), "Christmas Eve");
        assertTrue(defaults.alerting().officeHoursIn(helsinki).isWorkingDay(java.time.LocalDate.of(2026, 12, 23)));
        ReceiverConfig set = ReceiverConfig.from(Map.of("care.holidays", "none", "care.closed-dates", "2026-12-23"));
        assertTrue(set.alerting().officeHoursIn(helsinki).isWorkingDay(java.time.LocalDate.of(2026, 12, 24)));
        assertFalse(set.alerting().officeHoursIn(helsinki).isWorkingDay(java.time.LocalDate.of(2026, 12, 23)));
        assertTrue(assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("care.holidays", "SE"))).getMessage()
                .startsWith("care.holidays"));
        assertTrue(assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("care.closed-dates", "24.12."))).getMessage()
                .startsWith("care.closed-dates"));
    }

    @Test
    void sign_in_settings_default_to_a_required_second_factor_and_read_identity_providers_per_id() throws Exception {
        ReceiverConfig defaults = ReceiverConfig.defaults(dir);
        assertTrue(defaults.signIn().secondFactorRequired(), "the second factor is required unless the demo-only setting says otherwise");
        assertEquals(dir.resolve("signin-secret"), defaults.signIn().secretFile());
        assertEquals(4, defaults.signIn().passwordHashesAtOnce());
        assertEquals(java.util.List.of(), defaults.signIn().trustedProxies());
        assertEquals(java.util.List.of(), defaults.signIn().providers());

        Path secret = Files.writeString(dir.resolve("client-secret"), "s3cret\n");
        Map<String, String> v = new java.util.HashMap<>();
        v.put("signin.oidc.entra.issuer", "https://login.microsoftonline.com/tenant/v2.0");
        v.put("signin.oidc.entra.client-id", "breathgate");
        v.put("signin.oidc.entra.client-secret-file", secret.toString());
        v.put("signin.oidc.entra.organisations", "sa-1, cp-1");
        v.put("signin.oidc.suomifi.issuer", "https://tunnistus.suomi.fi/oidc");
        v.put("signin.oidc.suomifi.client-id", "bg");
        v.put("signin.oidc.suomifi.client-secret-file", secret.toString());
        v.put("signin.oidc.suomifi.for", "parents");
        v.put("web.trusted-proxies", "10.0.0.0/24, ::1");
        v.put("signin.second-factor", "off-demo-only");
        ReceiverConfig c = ReceiverConfig.from(v);
        assertEquals(2, c.signIn().providers().size());
        var entra = c.signIn().providers().get(0);
        assertEquals("entra", entra.id());
        assertEquals(java.util.Set.of("sa-1", "cp-1"), entra.organisations());
        assertTrue(entra.requireMfa(), "staff providers require multi-factor sign-in by default");
        assertEquals(java.util.Set.of("mfa"), entra.mfaAmr());
        assertEquals("urn:oid:1.2.246.21", c.signIn().providers().get(1).identityCodeClaim());
        assertEquals(java.util.List.of("10.0.0.0/24", "::1"), c.signIn().trustedProxies());
        assertEquals(false, c.signIn().secondFactorRequired());

        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("signin.second-factor", "off")));
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("web.trusted-proxies", "proxy.example.org")));
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("signin.oidc.entra.colour", "blue")), "an unknown field");
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("signin.oidc.entra.client-id", "x")), "no issuer");
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("signin.oidc.entra.issuer", "http://idp.example.org",
                "signin.oidc.entra.client-id", "x", "signin.oidc.entra.client-secret-file", secret.toString())), "http only on loopback");
    }

    @Test
    void the_session_idle_time_and_the_accessibility_contact_are_read_with_defaults() {
        ReceiverConfig.Web defaults = ReceiverConfig.from(Map.of()).web();
        assertEquals(1800, defaults.sessionIdleSeconds(), "30 minutes, the session policy's default");
        assertNull(defaults.accessibilityContact());
        ReceiverConfig.Web set = ReceiverConfig.from(Map.of("web.session-idle-seconds", "900", "web.accessibility-contact",
                " saavutettavuus@hyvinvointialue.example.fi ")).web();
        assertEquals(900, set.sessionIdleSeconds());
        assertEquals("saavutettavuus@hyvinvointialue.example.fi", set.accessibilityContact());
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("web.session-idle-seconds", "10")));
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("web.session-idle-seconds", "86400")),
                "longer than the 12-hour absolute limit");
    }

    @Test
    void flags_override_the_file() throws Exception {
        Path file = Files.writeString(dir.resolve("receiver.properties"),
                "broker.uri = tcp://broker.example:1883\njdbc.url = jdbc:postgresql://db/breathgate\n");
        Map<String, String> flags = new HashMap<>();
        flags.put(ReceiverConfig.BROKER_URI, "tcp://other:1884");
        flags.put(ReceiverConfig.DATA_DIR, null);
        ReceiverConfig config = ReceiverConfig.load(file, flags);
        assertEquals("tcp://other:1884", config.broker().uri());
        assertEquals("jdbc:postgresql://db/breathgate", config.database().jdbcUrl());
    }

    @Test
    void an_unknown_key_is_refused_and_the_known_keys_are_listed() {
        ConfigException e = assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("broker.url", "tcp://x:1")));
        assertTrue(e.getMessage().contains("broker.url") && e.getMessage().contains("broker.uri"), e.getMessage());
    }

    @Test
    void a_broker_uri_must_be_tcp_or_ssl_with_host_and_port() {
        ConfigException scheme = assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("broker.uri", "http://x:1")));
        assertTrue(scheme.getMessage().startsWith("broker.uri"), scheme.getMessage());
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("broker.uri", "tcp://x")));
    }

    @Test
    void numbers_are_checked_for_form_and_range() {
        ConfigException form = assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("broker.embedded.port", "eighty")));
        assertTrue(form.getMessage().contains("whole number"), form.getMessage());
        ConfigException range = assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("broker.embedded.port", "70000")));
        assertTrue(range.getMessage().contains("between 1 and 65535"), range.getMessage());
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("receiver.key.version", "0")));
    }

    @Test
    void an_unsupported_database_is_refused() {
        ConfigException e = assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("jdbc.url", "jdbc:mysql://db/x")));
        assertTrue(e.getMessage().contains("jdbc:sqlite:"), e.getMessage());
    }

    @Test
    void a_ca_file_needs_an_ssl_broker_and_a_password_file_needs_a_user() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "x");
        Path password = Files.writeString(dir.resolve("password"), "x");
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("broker.uri", "tcp://x:1883", "mqtt.ca-file", ca.toString())));
        assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("broker.uri", "tcp://x:1883", "mqtt.password-file", password.toString())));
        ConfigException missing = assertThrows(ConfigException.class, () -> ReceiverConfig.from(Map.of("broker.uri", "ssl://x:8883",
                "mqtt.ca-file", dir.resolve("absent.crt").toString())));
        assertTrue(missing.getMessage().contains("absent.crt"), missing.getMessage());
    }

    @Test
    void the_mqtt_password_is_the_first_line_of_its_file() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "s3cret\nignored\n");
        ReceiverConfig config = ReceiverConfig.from(Map.of("broker.uri", "tcp://x:1883", "mqtt.username", "receiver",
                "mqtt.password-file", password.toString()));
        assertEquals("s3cret", config.mqtt().readPassword());
    }
}
