-- A worker's "please test now" (issue 19): each signed test request sent to a device, so the receiver knows which tests it
-- asked for and can tell when one never arrived. Numbers increase per device.

create table care_test_requests (
    device_id    varchar(63) not null,
    request      bigint not null,
    client_id    varchar(128) not null references care_clients (id),
    issued_at_ms bigint not null,
    until_ms     bigint not null,
    issued_by    varchar(128) not null,
    compact      text not null,
    primary key (device_id, request)
);
create index care_test_requests_by_until on care_test_requests (until_ms);
