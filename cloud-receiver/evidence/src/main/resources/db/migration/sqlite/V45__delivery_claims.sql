-- Several receivers on one database send each alert once (docs/operations.md, "Scale out"): an instance claims a due
-- e-mail or webhook row for a while before it sends (claimed_by: its instance id, mqtt.client-id; claimed_until_ms: when the
-- claim lapses, epoch milliseconds). Another instance takes a row only when it is unclaimed or its claim has lapsed (the
-- claimer died mid-send). Finishing, rescheduling or giving up clears the claim.
alter table care_alert_deliveries add column claimed_by varchar(128);
alter table care_alert_deliveries add column claimed_until_ms bigint;
