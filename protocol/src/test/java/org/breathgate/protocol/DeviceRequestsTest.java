package org.breathgate.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DeviceRequestsTest {

    private static final String TYP = "breathgate-key-rotation";
    private static final byte[] PAYLOAD = "{\"type\":\"key_rotation\",\"device_id\":\"home-0001\",\"iat\":1795600000}"
            .getBytes(StandardCharsets.UTF_8);

    private final SigningKey key = Samples.deviceKey();
    private final KeyResolver keys = KeyResolver.of(key.verificationKey());

    private Rejection rejectionOf(String compact, String typ, String owner) {
        return assertThrows(InvalidMessageException.class, () -> DeviceRequests.verify(compact, typ, owner, keys)).rejection();
    }

    @Test
    void a_signed_request_verifies_with_its_exact_payload() throws Exception {
        DeviceRequests.Verified verified = DeviceRequests.verify(DeviceRequests.sign(key, TYP, PAYLOAD), TYP, "home-0001", keys);
        assertEquals(new KeyId("home-0001", 1), verified.keyId());
        assertArrayEquals(PAYLOAD, verified.payload());
    }

    @Test
    void a_request_of_another_kind_is_refused() {
        assertEquals(Rejection.WRONG_TYP, rejectionOf(DeviceRequests.sign(key, "breathgate-deprovision", PAYLOAD), TYP, "home-0001"));
    }

    @Test
    void a_request_cannot_pass_for_an_evidence_message() {
        String request = DeviceRequests.sign(key, TYP, MessageJson.encode(Samples.positive(41)));
        assertEquals(Rejection.WRONG_TYP, assertThrows(InvalidMessageException.class,
                () -> new MessageVerifier(keys).verify(request, "home-0001")).rejection());
    }

    @Test
    void an_evidence_message_cannot_pass_for_a_request() {
        String message = new MessageSigner(key).sign(Samples.positive(41)).compact();
        assertEquals(Rejection.WRONG_TYP, rejectionOf(message, TYP, "home-0001"));
    }

    @Test
    void a_request_for_another_device_or_with_a_changed_payload_is_refused() {
        String request = DeviceRequests.sign(key, TYP, PAYLOAD);
        assertEquals(Rejection.KID_MISMATCH, rejectionOf(request, TYP, "home-0002"));
        String[] parts = request.split("\\.");
        String changed = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"type\":\"key_rotation\",\"device_id\":\"home-0009\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertEquals(Rejection.BAD_SIGNATURE, rejectionOf(changed, TYP, "home-0001"));
    }

    @Test
    void a_payload_that_is_not_one_json_object_is_refused_after_the_signature() {
        assertEquals(Rejection.MALFORMED_JSON, rejectionOf(DeviceRequests.sign(key, TYP, "[1]".getBytes(StandardCharsets.UTF_8)), TYP, "home-0001"));
        assertEquals(Rejection.DUPLICATE_KEY, rejectionOf(DeviceRequests.sign(key, TYP,
                "{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8)), TYP, "home-0001"));
    }

    @Test
    void the_receiver_key_and_odd_typs_cannot_sign_requests() {
        assertThrows(IllegalArgumentException.class, () -> DeviceRequests.sign(Samples.receiverKey(), TYP, PAYLOAD));
        assertThrows(IllegalArgumentException.class, () -> DeviceRequests.sign(key, "JWT", PAYLOAD));
    }
}
