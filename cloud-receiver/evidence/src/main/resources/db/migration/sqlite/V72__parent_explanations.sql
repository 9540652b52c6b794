-- The parent's own word beside a reading or missed test (issue 20). Never in `evidence`: the event stays
-- as the device signed it. Several per event, numbered n = 1, 2, … in the order added; a row is never
-- updated (a later explanation is added beside the earlier ones). Times are epoch milliseconds (UTC).
create table care_explanations (
    device_id text    not null,
    seq       integer not null,
    n         integer not null,
    client_id text    not null references care_clients (id),
    choice    text    not null check (choice in ('mouthwash', 'medicine', 'hospital', 'other')),
    note      text,
    by_user   text    not null,
    at_ms     integer not null,
    primary key (device_id, seq, n)
);
create index care_explanations_by_client on care_explanations (client_id);
