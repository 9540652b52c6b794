-- Planned absences the parent announces (issue 20) and the substance-abuse worker's decision. A row is
-- decided once: status goes from 'pending' to 'accepted' or 'declined' and never back (the update is
-- conditional on 'pending'). Times are epoch milliseconds (UTC); to_ms is exclusive.
create table care_absences (
    id              varchar(128) not null primary key,
    client_id       varchar(128) not null references care_clients (id),
    from_ms         bigint       not null,
    to_ms           bigint       not null,
    kind            varchar(16)  not null check (kind in ('hospital_stay', 'trip', 'other')),
    note            varchar(500),
    announced_by    varchar(128) not null,
    announced_at_ms bigint       not null,
    status          varchar(16)  not null check (status in ('pending', 'accepted', 'declined')),
    decided_by      varchar(128),
    decided_at_ms   bigint,
    decision_note   varchar(500),
    check (to_ms > from_ms)
);
create index care_absences_by_client on care_absences (client_id, from_ms);
