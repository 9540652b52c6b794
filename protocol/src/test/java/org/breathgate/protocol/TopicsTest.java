package org.breathgate.protocol;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicsTest {

    @Test
    void uplink_and_downlink_topics_follow_the_documented_layout() {
        assertEquals("breathgate/v1/devices/home-0001/up/reading", Topics.uplink("home-0001", MessageType.READING));
        assertEquals("breathgate/v1/devices/home-0001/down/ack", Topics.downlink("home-0001", MessageType.ACK));
        assertEquals("breathgate/v1/devices/home-0001/down/+", Topics.downlinkFilter("home-0001"));
        assertEquals("$share/breathgate-receivers/breathgate/v1/devices/+/up/+", Topics.RECEIVER_SHARED_SUBSCRIPTION);
    }

    @Test
    void a_topic_parses_back_to_its_device_and_type() {
        for (MessageType type : MessageType.values()) {
            String topic = type.direction() == MessageType.Direction.UPLINK
                    ? Topics.uplink("home-0001", type) : Topics.downlink("home-0001", type);
            assertEquals(Optional.of(new Topics.Address("home-0001", type)), Topics.parse(topic));
            assertEquals(topic, Topics.parse(topic).orElseThrow().topic());
        }
    }

    @Test
    void foreign_and_malformed_topics_do_not_parse() {
        assertTrue(Topics.parse("breathgate/v1/devices/home-0001/up/ack").isEmpty());
        assertTrue(Topics.parse("breathgate/v1/devices/home-0001/down/reading").isEmpty());
        assertTrue(Topics.parse("breathgate/v1/devices/HOME/up/reading").isEmpty());
        assertTrue(Topics.parse("breathgate/v1/devices/home-0001/up/reading/extra").isEmpty());
        assertTrue(Topics.parse("other/home-0001/up/reading").isEmpty());
        assertTrue(Topics.parse(null).isEmpty());
    }

    @Test
    void only_config_support_replies_and_test_requests_are_retained_and_everything_is_qos_1() {
        for (MessageType type : MessageType.values()) {
            assertEquals(1, type.qos());
            assertEquals(type == MessageType.CONFIG || type == MessageType.SUPPORT_REPLY || type == MessageType.TEST_REQUEST,
                    type.retained());
        }
    }

    @Test
    void a_support_reply_travels_down_on_its_own_topic_which_a_device_filter_covers() {
        String topic = Topics.downlink("home-0001", MessageType.SUPPORT_REPLY);
        assertEquals("breathgate/v1/devices/home-0001/down/support_reply", topic);
        assertEquals(new Topics.Address("home-0001", MessageType.SUPPORT_REPLY), Topics.parse(topic).orElseThrow());
        assertTrue(Topics.parse("breathgate/v1/devices/home-0001/up/support_reply").isEmpty(), "never uplink");
        assertTrue(topic.startsWith(Topics.downlinkFilter("home-0001").replace("+", "")));
    }

    @Test
    void a_device_cannot_be_called_receiver() {
        assertThrows(IllegalArgumentException.class, () -> Topics.uplink(KeyId.RECEIVER, MessageType.READING));
    }

    @Test
    void key_ids_parse_and_print_as_owner_colon_version() {
        assertEquals(new KeyId("home-0001", 12), KeyId.parse("home-0001:12"));
        assertEquals("receiver:1", KeyId.receiver(1).toString());
        assertThrows(IllegalArgumentException.class, () -> KeyId.parse("home-0001:0"));
        assertThrows(IllegalArgumentException.class, () -> KeyId.parse("home-0001:01"));
        assertThrows(IllegalArgumentException.class, () -> KeyId.parse("home-0001"));
        assertThrows(IllegalArgumentException.class, () -> KeyId.parse("Home:1"));
    }
}
