-- Devices retired by a signed deprovision request (docs/protocol.md, "Enrollment over HTTPS"): what the
-- device said it had sent. A non-zero unsent means events up to that many will never arrive (a known gap).
create table device_retirements (
    device_id     varchar(64)  not null primary key,
    retired_at_ms bigint       not null,
    signed_by     varchar(80)  not null,
    last_seq      bigint       not null,
    unsent        bigint       not null
);
