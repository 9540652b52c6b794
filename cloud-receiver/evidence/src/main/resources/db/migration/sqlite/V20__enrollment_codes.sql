-- One-time enrollment codes (docs/protocol.md, "Enrollment over HTTPS"). Only a SHA-256 of the code is stored.
create table enrollment_codes (
    code_hash          text    not null primary key,
    created_at_ms      integer not null,
    expires_at_ms      integer not null,
    created_by         text    not null,
    note               text,
    used_at_ms         integer,
    device_id          text,
    hostname           text,
    agent_version      text,
    sensor             text,
    mqtt_username      text,
    mqtt_password_hash text
);
create index enrollment_codes_by_device on enrollment_codes (device_id);
