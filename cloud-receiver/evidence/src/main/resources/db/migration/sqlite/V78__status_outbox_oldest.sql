-- How long the oldest event a device holds has waited for its ack, in seconds, as the device's latest heartbeat said
-- (status `outbox_oldest_s`); null when the device does not say (agents older than that key).
alter table device_status add column outbox_oldest_s integer;
