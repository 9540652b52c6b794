-- One-time enrollment codes (docs/protocol.md, "Enrollment over HTTPS"). Only a SHA-256 of the code is stored.
create table enrollment_codes (
    code_hash          varchar(64)  not null primary key,
    created_at_ms      bigint       not null,
    expires_at_ms      bigint       not null,
    created_by         varchar(128) not null,
    note               varchar(500),
    used_at_ms         bigint,
    device_id          varchar(63),
    hostname           varchar(255),
    agent_version      varchar(64),
    sensor             varchar(1000),
    mqtt_username      varchar(63),
    mqtt_password_hash varchar(255)
);
create index enrollment_codes_by_device on enrollment_codes (device_id);
