-- Who an alert about a client goes to (issue 19): the client's responsible workers and deputy, the organisation's
-- on-call list (outside office hours) and its escalation contacts, who are distinct from the first recipients.
-- And devices offline longer than the heartbeats allow, each outage reported to the technicians once.

create table care_client_workers (
    client_id text    not null references care_clients (id),
    user_id   text    not null references care_users (id),
    duty      text    not null check (duty in ('RESPONSIBLE', 'DEPUTY')),
    since_ms  integer not null,
    primary key (client_id, user_id)
);
create index care_client_workers_by_user on care_client_workers (user_id);

create table care_organisation_contacts (
    organisation_id text not null references care_organisations (id),
    list            text not null check (list in ('ON_CALL', 'ESCALATION')),
    user_id         text not null references care_users (id),
    primary key (organisation_id, list, user_id)
);

create table care_device_outages (
    device_id      text    not null,
    since_ms       integer not null,
    reported_at_ms integer,
    primary key (device_id, since_ms)
);
