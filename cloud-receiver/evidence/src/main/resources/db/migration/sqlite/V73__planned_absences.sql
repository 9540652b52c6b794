-- Planned absences the parent announces (issue 20) and the substance-abuse worker's decision. A row is
-- decided once: status goes from 'pending' to 'accepted' or 'declined' and never back (the update is
-- conditional on 'pending'). Times are epoch milliseconds (UTC); to_ms is exclusive.
create table care_absences (
    id              text    not null primary key,
    client_id       text    not null references care_clients (id),
    from_ms         integer not null,
    to_ms           integer not null,
    kind            text    not null check (kind in ('hospital_stay', 'trip', 'other')),
    note            text,
    announced_by    text    not null,
    announced_at_ms integer not null,
    status          text    not null check (status in ('pending', 'accepted', 'declined')),
    decided_by      text,
    decided_at_ms   integer,
    decision_note   text,
    check (to_ms > from_ms)
);
create index care_absences_by_client on care_absences (client_id, from_ms);
