-- A worker's "please test now" (issue 19): each signed test request sent to a device, so the receiver knows which tests it
-- asked for and can tell when one never arrived. Numbers increase per device.

create table care_test_requests (
    device_id    text not null,
    request      integer not null,
    client_id    text not null references care_clients (id),
    issued_at_ms integer not null,
    until_ms     integer not null,
    issued_by    text not null,
    compact      text not null,
    primary key (device_id, request)
);
create index care_test_requests_by_until on care_test_requests (until_ms);
