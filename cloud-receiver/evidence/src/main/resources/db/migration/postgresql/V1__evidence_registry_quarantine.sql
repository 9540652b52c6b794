-- Breathgate receiver schema, PostgreSQL dialect. Times are epoch milliseconds (UTC) in both dialects.

create table devices (
    device_id      varchar(63) not null primary key,
    status         varchar(16) not null check (status in ('active', 'revoked')),
    enrolled_at_ms bigint      not null,
    revoked_at_ms  bigint
);

create table device_keys (
    device_id     varchar(63) not null references devices (device_id),
    key_version   integer     not null,
    public_key    bytea       not null,
    added_at_ms   bigint      not null,
    revoked_at_ms bigint,
    primary key (device_id, key_version)
);

-- One row per evidence event, exactly once per (device, seq). "compact" is the exact signed JWS.
create table evidence (
    id             bigint generated always as identity primary key,
    device_id      varchar(63) not null,
    seq            bigint      not null,
    type           varchar(32) not null,
    key_version    integer     not null,
    compact        text        not null,
    device_time_ms bigint      not null,
    clock_synced   boolean     not null,
    boot_id        varchar(64) not null,
    received_at_ms bigint      not null,
    outcome        varchar(32),
    brac_ug_l      integer,
    threshold_ug_l integer,
    unique (device_id, seq)
);
create index evidence_by_device_time on evidence (device_id, device_time_ms);

-- The latest status heartbeat of each device: not evidence.
create table device_status (
    device_id          varchar(63) not null primary key,
    received_at_ms     bigint      not null,
    device_time_ms     bigint      not null,
    online             boolean     not null,
    uptime_s           bigint      not null,
    last_seq           bigint      not null,
    max_last_seq       bigint      not null,
    outbox_depth       integer     not null,
    outbox_bytes       bigint      not null,
    disk_free_bytes    bigint      not null,
    clock_synced       boolean     not null,
    sensor_state       varchar(32) not null,
    calibration_due    varchar(10),
    agent_version      varchar(64) not null,
    config_version     bigint      not null,
    warnings           text        not null,
    compact            text        not null
);

-- Everything refused, with why, and the raw bytes (capped).
create table quarantine (
    id             bigint generated always as identity primary key,
    received_at_ms bigint      not null,
    reason         varchar(64) not null,
    topic          varchar(512),
    device_id      varchar(63),
    seq            bigint,
    detail         varchar(1000),
    raw            bytea       not null,
    raw_length     integer     not null
);
create index quarantine_by_reason on quarantine (reason);
create index quarantine_by_device on quarantine (device_id, seq);
