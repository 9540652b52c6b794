-- Retired devices whose retained downlink messages (config, support_reply, test_request) the receiver has
-- cleared on the broker with an empty retained publish (issue 20; docs/protocol.md, "MQTT topics"). A retired
-- device that has no row here is cleared by the next sweep; times are epoch milliseconds (UTC).
create table device_downlinks_cleared (
    device_id     text    not null primary key,
    cleared_at_ms bigint  not null
);
