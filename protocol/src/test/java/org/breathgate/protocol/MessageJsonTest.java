package org.breathgate.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageJsonTest {

    private static Rejection rejectionOf(String json) {
        return assertThrows(InvalidMessageException.class,
                () -> MessageJson.decode(json.getBytes(StandardCharsets.UTF_8))).rejection();
    }

    private static String positiveJson() {
        return new String(MessageJson.encode(Samples.positive(41)), StandardCharsets.UTF_8);
    }

    @Test
    void every_message_type_survives_a_round_trip() throws Exception {
        for (Message message : Samples.oneOfEach()) {
            MessageJson.Payload decoded = MessageJson.decode(MessageJson.encode(message));
            assertEquals(message, decoded.message());
            assertTrue(decoded.extensions().isEmpty());
        }
    }

    @Test
    void a_reading_is_written_with_its_documented_field_names() {
        assertEquals("{\"v\":1,\"type\":\"reading\",\"device\":\"home-0001\",\"seq\":41,"
                + "\"clock\":{\"wall\":\"2026-11-25T06:02:11.250Z\",\"boot\":\"5b1e8f0c-3c1a-4f7e-9d55-2f6a0c9e1b42\",\"mono_ms\":3600123,\"synced\":true},"
                + "\"reason\":{\"kind\":\"scheduled\",\"slot\":\"2026-11-25T06:00:00Z\",\"late\":false},"
                + "\"outcome\":\"fail\",\"brac_ug_l\":230,\"threshold_ug_l\":100,\"blow_ms\":5100,\"sensor_temp_dc\":342,"
                + "\"sensor\":{\"model\":\"BG-FC1\",\"serial\":\"SIM-000123\",\"calibration_due\":\"2027-05-01\"}}", positiveJson());
    }

    @Test
    void a_status_from_a_device_that_does_not_say_how_old_its_outbox_is_reads_as_not_said() throws Exception {
        DeviceStatus full = (DeviceStatus) Samples.oneOfEach().stream().filter(DeviceStatus.class::isInstance).findFirst().orElseThrow();
        String json = new String(MessageJson.encode(full), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"outbox_oldest_s\":5400"), json);
        DeviceStatus older = (DeviceStatus) MessageJson.decode(json.replace("\"outbox_oldest_s\":5400,", "")
                .getBytes(StandardCharsets.UTF_8)).message();
        assertEquals(null, older.outboxOldestSeconds());
        assertEquals(Rejection.INVALID_FIELD, rejectionOf(json.replace("\"outbox_oldest_s\":5400", "\"outbox_oldest_s\":-1")));
    }

    @Test
    void unknown_fields_are_tolerated_and_reported_as_extensions() throws Exception {
        String json = positiveJson().replace("\"seq\":41,", "\"seq\":41,\"location\":{\"cell\":\"ab\"},")
                .replace("\"synced\":true", "\"synced\":true,\"tz\":\"EET\"");
        MessageJson.Payload payload = MessageJson.decode(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(Samples.positive(41), payload.message());
        assertEquals("{\"cell\":\"ab\"}", payload.extensions().get("location"));
        assertEquals("\"EET\"", payload.extensions().get("clock.tz"));
    }

    @Test
    void a_duplicate_key_is_refused() {
        assertEquals(Rejection.DUPLICATE_KEY, rejectionOf(positiveJson().replace("\"seq\":41,", "\"seq\":41,\"seq\":40,")));
    }

    @Test
    void a_duplicate_key_inside_a_nested_object_is_refused() {
        assertEquals(Rejection.DUPLICATE_KEY, rejectionOf(positiveJson().replace("\"synced\":true", "\"synced\":true,\"synced\":false")));
    }

    @Test
    void data_after_the_object_is_refused() {
        assertEquals(Rejection.TRAILING_DATA, rejectionOf(positiveJson() + "{}"));
        assertEquals(Rejection.TRAILING_DATA, rejectionOf(positiveJson() + " 1"));
    }

    @Test
    void a_missing_required_field_is_named() {
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> MessageJson.decode(
                positiveJson().replace("\"boot\":\"5b1e8f0c-3c1a-4f7e-9d55-2f6a0c9e1b42\",", "").getBytes(StandardCharsets.UTF_8)));
        assertEquals(Rejection.MISSING_FIELD, e.rejection());
        assertTrue(e.getMessage().contains("clock.boot"), e.getMessage());
    }

    @Test
    void a_null_required_field_counts_as_missing() {
        assertEquals(Rejection.MISSING_FIELD, rejectionOf(positiveJson().replace("\"seq\":41", "\"seq\":null")));
    }

    @Test
    void a_fractional_number_is_not_coerced() {
        assertEquals(Rejection.INVALID_FIELD, rejectionOf(positiveJson().replace("\"brac_ug_l\":230", "\"brac_ug_l\":230.5")));
        assertEquals(Rejection.INVALID_FIELD, rejectionOf(positiveJson().replace("\"seq\":41", "\"seq\":\"41\"")));
    }

    @Test
    void a_value_breaking_a_record_rule_is_an_invalid_field() {
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> MessageJson.decode(
                positiveJson().replace("\"brac_ug_l\":230", "\"brac_ug_l\":50").getBytes(StandardCharsets.UTF_8)));
        assertEquals(Rejection.INVALID_FIELD, e.rejection());
        assertTrue(e.getMessage().contains("below threshold"), e.getMessage());
    }

    @Test
    void an_unknown_type_and_a_future_version_are_refused_distinctly() {
        assertEquals(Rejection.UNKNOWN_TYPE, rejectionOf(positiveJson().replace("\"type\":\"reading\"", "\"type\":\"selfie\"")));
        assertEquals(Rejection.UNSUPPORTED_VERSION, rejectionOf(positiveJson().replace("\"v\":1", "\"v\":2")));
    }

    @Test
    void a_non_object_is_malformed() {
        assertEquals(Rejection.MALFORMED_JSON, rejectionOf("[1,2]"));
        assertEquals(Rejection.MALFORMED_JSON, rejectionOf("{\"v\":1,"));
        assertEquals(Rejection.MALFORMED_JSON, rejectionOf(""));
    }

    @Test
    void a_reading_with_a_sequence_number_beyond_two_to_the_53_is_refused() {
        assertEquals(Rejection.INVALID_FIELD, rejectionOf(positiveJson().replace("\"seq\":41", "\"seq\":9007199254740992")));
    }

    // ---------------------------------------------------------------- support requests, replies, prompts in config

    private static String json(Message message) {
        return new String(MessageJson.encode(message), StandardCharsets.UTF_8);
    }

    private static final String CLOCK_JSON = "\"clock\":{\"wall\":\"2026-11-25T06:02:11.250Z\","
            + "\"boot\":\"5b1e8f0c-3c1a-4f7e-9d55-2f6a0c9e1b42\",\"mono_ms\":3600123,\"synced\":true}";

    @Test
    void a_support_request_says_the_chosen_need_with_its_documented_field_names() {
        assertEquals("{\"v\":1,\"type\":\"support_request\",\"device\":\"home-0001\",\"seq\":46," + CLOCK_JSON
                + ",\"need\":\"call_me\",\"need_chosen\":true}", json(new SupportRequest("home-0001", 46, Samples.CLOCK,
                SupportNeed.CALL_ME, true)));
    }

    @Test
    void a_support_request_without_a_need_is_written_and_read_as_older_devices_send_it() throws Exception {
        String older = "{\"v\":1,\"type\":\"support_request\",\"device\":\"home-0001\",\"seq\":45," + CLOCK_JSON + "}";
        assertEquals(older, json(new SupportRequest("home-0001", 45, Samples.CLOCK)));
        SupportRequest read = (SupportRequest) MessageJson.decode(older.getBytes(StandardCharsets.UTF_8)).message();
        assertEquals(null, read.need());
        assertEquals(false, read.needChosen());
    }

    @Test
    void the_need_fields_are_additive_so_a_reader_that_ignores_them_sees_a_valid_older_request() throws Exception {
        // What a receiver of the version before them does: keys it does not know are extensions, kept with the exact bytes.
        String newer = json(new SupportRequest("home-0001", 47, Samples.CLOCK, SupportNeed.HELP_NOW, false));
        String withoutThem = newer.replace(",\"need\":\"help_now\",\"need_chosen\":false", "");
        assertEquals(new SupportRequest("home-0001", 47, Samples.CLOCK), MessageJson.decode(withoutThem.getBytes(StandardCharsets.UTF_8)).message());
        MessageJson.Payload unknownToIt = MessageJson.decode(newer.replace("\"need\"", "\"need_v9\"")
                .replace("\"need_chosen\"", "\"need_chosen_v9\"").getBytes(StandardCharsets.UTF_8));
        assertEquals("\"help_now\"", unknownToIt.extensions().get("need_v9"));
    }

    @Test
    void need_chosen_without_a_need_and_a_need_without_need_chosen_are_refused() {
        String base = "{\"v\":1,\"type\":\"support_request\",\"device\":\"home-0001\",\"seq\":45," + CLOCK_JSON;
        assertEquals(Rejection.INVALID_FIELD, rejectionOf(base + ",\"need_chosen\":true}"));
        assertEquals(Rejection.MISSING_FIELD, rejectionOf(base + ",\"need\":\"call_me\"}"));
        assertEquals(Rejection.INVALID_FIELD, rejectionOf(base + ",\"need\":\"pizza\",\"need_chosen\":true}"));
        assertEquals(Rejection.INVALID_FIELD, rejectionOf(base + ",\"need\":\"call_me\",\"need_chosen\":1}"));
    }

    @Test
    void a_support_reply_is_written_with_its_documented_field_names() {
        assertEquals("{\"v\":1,\"type\":\"support_reply\",\"device\":\"home-0001\",\"issued\":\"2026-11-25T08:10:00.125Z\","
                + "\"requests\":[{\"seq\":46,\"state\":\"seen\",\"by\":\"worker\",\"contact_before\":\"2026-11-25T14:00:00Z\"},"
                + "{\"seq\":45,\"state\":\"closed\",\"by\":\"on_call\"}]}", json(Samples.supportReply()));
    }

    @Test
    void a_support_reply_that_breaks_its_rules_is_an_invalid_field() {
        String reply = json(Samples.supportReply());
        assertEquals(Rejection.INVALID_FIELD, rejectionOf(reply.replace("\"by\":\"on_call\"}",
                "\"by\":\"on_call\",\"contact_before\":\"2026-11-25T14:00:00Z\"}")), "a closed request has no contact time");
        assertEquals(Rejection.INVALID_FIELD, rejectionOf(reply.replace("\"by\":\"worker\",",
                "\"by\":\"worker\",\"contact_from\":\"2026-11-25T15:00:00Z\",")), "from after before");
        assertEquals(Rejection.INVALID_FIELD, rejectionOf(reply.replace("\"seq\":45", "\"seq\":46")), "one request twice");
        assertEquals(Rejection.INVALID_FIELD, rejectionOf(reply.replace("\"state\":\"seen\"", "\"state\":\"lost\"")));
        assertEquals(Rejection.MISSING_FIELD, rejectionOf(reply.replace("\"by\":\"worker\",", "")));
        assertEquals(Rejection.INVALID_FIELD, rejectionOf(reply.replaceAll("\\[.*\\]", "[]")), "no requests");
    }

    @Test
    void a_config_says_whether_results_are_spoken_and_the_recordings_language_only_when_set() throws Exception {
        ConfigUpdate older = (ConfigUpdate) Samples.oneOfEach().stream().filter(ConfigUpdate.class::isInstance).findFirst().orElseThrow();
        assertTrue(!json(older).contains("speak_results") && !json(older).contains("audio_language"));
        ConfigUpdate newer = new ConfigUpdate(older.deviceId(), older.version(), older.issued(), older.schedule(), older.threshold(),
                "fi", 300, false, "se");
        assertTrue(json(newer).endsWith(",\"status_interval_s\":300,\"speak_results\":false,\"audio_language\":\"se\"}"), json(newer));
        assertEquals(older, MessageJson.decode(json(newer).replace(",\"speak_results\":false,\"audio_language\":\"se\"", "")
                .getBytes(StandardCharsets.UTF_8)).message(), "without the new keys it is the older configuration");
        assertEquals(Rejection.INVALID_FIELD, rejectionOf(json(newer).replace("\"se\"", "\"SE\"")));
        assertEquals(Rejection.INVALID_FIELD, rejectionOf(json(newer).replace("\"speak_results\":false", "\"speak_results\":\"no\"")));
    }
}
