-- Support requests handled (issue 20): the service's side of a parent's support_request. The request
-- itself stays in `evidence` as the device signed it; a row here appears when someone the request was
-- routed to first opens it (state 'seen') and changes when they close it ('closed'). Times are epoch
-- milliseconds (UTC). `route` is where the request's need sent it (worker, on_call, technician);
-- `seen_role`/`closed_role` is what the device is told (worker, on_call, technician), never a name.
create table care_support_handling (
    device_id         text    not null,
    seq               integer not null,
    client_id         text    not null,
    route             text    not null check (route in ('worker', 'on_call', 'technician')),
    state             text    not null check (state in ('seen', 'closed')),
    seen_at_ms        integer not null,
    seen_by           text    not null,
    seen_role         text    not null check (seen_role in ('worker', 'on_call', 'technician')),
    contact_from_ms   integer,
    contact_before_ms integer,
    closed_at_ms      integer,
    closed_by         text,
    closed_role       text check (closed_role in ('worker', 'on_call', 'technician')),
    closed_note       text,
    primary key (device_id, seq)
);
create index care_support_handling_by_client on care_support_handling (client_id);

-- The last support_reply the receiver signed for each device (published retained): the next one must
-- have a later `issued`, and it can be published again as it was.
create table care_support_replies (
    device_id  text    not null primary key,
    issued_ms  integer not null,
    compact    text    not null
);
