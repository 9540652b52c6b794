-- Breathgate receiver schema, SQLite dialect. Times are epoch milliseconds (UTC) in both dialects.

create table devices (
    device_id      text    not null primary key,
    status         text    not null check (status in ('active', 'revoked')),
    enrolled_at_ms integer not null,
    revoked_at_ms  integer
);

create table device_keys (
    device_id     text    not null references devices (device_id),
    key_version   integer not null,
    public_key    blob    not null,
    added_at_ms   integer not null,
    revoked_at_ms integer,
    primary key (device_id, key_version)
);

-- One row per evidence event, exactly once per (device, seq). "compact" is the exact signed JWS.
create table evidence (
    id             integer not null primary key autoincrement,
    device_id      text    not null,
    seq            integer not null,
    type           text    not null,
    key_version    integer not null,
    compact        text    not null,
    device_time_ms integer not null,
    clock_synced   integer not null,
    boot_id        text    not null,
    received_at_ms integer not null,
    outcome        text,
    brac_ug_l      integer,
    threshold_ug_l integer,
    unique (device_id, seq)
);
create index evidence_by_device_time on evidence (device_id, device_time_ms);

-- The latest status heartbeat of each device: not evidence.
create table device_status (
    device_id          text    not null primary key,
    received_at_ms     integer not null,
    device_time_ms     integer not null,
    online             integer not null,
    uptime_s           integer not null,
    last_seq           integer not null,
    max_last_seq       integer not null,
    outbox_depth       integer not null,
    outbox_bytes       integer not null,
    disk_free_bytes    integer not null,
    clock_synced       integer not null,
    sensor_state       text    not null,
    calibration_due    text,
    agent_version      text    not null,
    config_version     integer not null,
    warnings           text    not null,
    compact            text    not null
);

-- Everything refused, with why, and the raw bytes (capped).
create table quarantine (
    id             integer not null primary key autoincrement,
    received_at_ms integer not null,
    reason         text    not null,
    topic          text,
    device_id      text,
    seq            integer,
    detail         text,
    raw            blob    not null,
    raw_length     integer not null
);
create index quarantine_by_reason on quarantine (reason);
create index quarantine_by_device on quarantine (device_id, seq);
