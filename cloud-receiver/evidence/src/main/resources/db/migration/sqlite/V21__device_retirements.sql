-- Devices retired by a signed deprovision request (docs/protocol.md, "Enrollment over HTTPS"): what the
-- device said it had sent. A non-zero unsent means events up to that many will never arrive (a known gap).
create table device_retirements (
    device_id     text    not null primary key,
    retired_at_ms integer not null,
    signed_by     text    not null,
    last_seq      integer not null,
    unsent        integer not null
);
