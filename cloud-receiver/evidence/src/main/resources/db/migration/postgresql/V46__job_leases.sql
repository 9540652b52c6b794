-- The periodic jobs (silence checks and escalations, audit anchors, retention) run once across every receiver on this
-- database (docs/operations.md, "Scale out"): an instance runs a job only when it holds the job's lease and the job's period
-- has passed since its last run. holder: the instance id (mqtt.client-id); times are epoch milliseconds.
create table ops_job_leases (
    name           varchar(64)  not null primary key,
    holder         varchar(128) not null,
    lease_until_ms bigint       not null,
    claimed_at_ms  bigint,
    last_run_ms    bigint
);
