package org.breathgate.receiver.ingest.broker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicRulesTest {

    private static final BrokerIdentity HOME1 = new BrokerIdentity.Device("home-0001");
    private static final BrokerIdentity RECEIVER = new BrokerIdentity.Receiver();

    @Test
    void a_device_publishes_only_on_its_own_uplink_and_never_retained() {
        assertTrue(TopicRules.mayPublish(HOME1, "breathgate/v1/devices/home-0001/up/reading", false));
        assertTrue(TopicRules.mayPublish(HOME1, "breathgate/v1/devices/home-0001/up/status", false));
        assertFalse(TopicRules.mayPublish(HOME1, "breathgate/v1/devices/home-0001/up/reading", true));
        assertFalse(TopicRules.mayPublish(HOME1, "breathgate/v1/devices/home-0002/up/reading", false));
        assertFalse(TopicRules.mayPublish(HOME1, "breathgate/v1/devices/home-0001/down/config", false));
        assertFalse(TopicRules.mayPublish(HOME1, "breathgate/v1/devices/home-0001/up/reading/extra", false));
        assertFalse(TopicRules.mayPublish(HOME1, "elsewhere", false));
    }

    @Test
    void a_device_subscribes_only_to_its_own_downlink() {
        assertTrue(TopicRules.maySubscribe(HOME1, "breathgate/v1/devices/home-0001/down/+"));
        assertTrue(TopicRules.maySubscribe(HOME1, "breathgate/v1/devices/home-0001/down/ack"));
        assertFalse(TopicRules.maySubscribe(HOME1, "breathgate/v1/devices/home-0002/down/+"));
        assertFalse(TopicRules.maySubscribe(HOME1, "breathgate/v1/devices/+/down/+"));
        assertFalse(TopicRules.maySubscribe(HOME1, "breathgate/v1/devices/#"));
        assertFalse(TopicRules.maySubscribe(HOME1, "breathgate/v1/devices/home-0001/down/#"));
        assertFalse(TopicRules.maySubscribe(HOME1, "breathgate/v1/devices/home-0001/up/+"));
        assertFalse(TopicRules.maySubscribe(HOME1, "#"));
        assertFalse(TopicRules.maySubscribe(HOME1, "$share/breathgate-receivers/breathgate/v1/devices/+/up/+"));
        assertFalse(TopicRules.maySubscribe(HOME1, "$share/g/breathgate/v1/devices/home-0001/down/+"));
    }

    @Test
    void only_a_receiver_reads_uplink_and_uses_shared_subscriptions_and_writes_downlink() {
        assertTrue(TopicRules.maySubscribe(RECEIVER, "$share/breathgate-receivers/breathgate/v1/devices/+/up/+"));
        assertTrue(TopicRules.maySubscribe(RECEIVER, "breathgate/v1/devices/+/up/+"));
        assertFalse(TopicRules.maySubscribe(RECEIVER, "#"));
        assertFalse(TopicRules.maySubscribe(RECEIVER, "breathgate/v1/devices/+/down/+"));
        assertTrue(TopicRules.mayPublish(RECEIVER, "breathgate/v1/devices/home-0001/down/ack", false));
        assertTrue(TopicRules.mayPublish(RECEIVER, "breathgate/v1/devices/home-0001/down/config", true));
        assertFalse(TopicRules.mayPublish(RECEIVER, "breathgate/v1/devices/home-0001/up/reading", false));
        assertFalse(TopicRules.mayPublish(RECEIVER, "breathgate/v1/devices/+/down/ack", false));
    }
}
