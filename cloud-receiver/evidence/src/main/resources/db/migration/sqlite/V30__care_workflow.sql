-- Care workflow (issue 8): organisations, accounts, clients, device assignments, consent versions,
-- alerts and their deliveries, excuses, the hash-chained audit log, signed device configurations.
-- Times are epoch milliseconds (UTC), as in V1.

create table care_organisations (
    id   text not null primary key,
    name text not null,
    kind text  not null check (kind in ('SUBSTANCE_ABUSE_SERVICE', 'CHILD_PROTECTION_UNIT'))
);

create table care_clients (
    id                    text not null primary key,
    display_name          text not null,
    organisation_id       text not null references care_organisations (id),
    case_status           text  not null check (case_status in ('OPEN', 'CLOSED')),
    closed_at_ms          integer,
    threshold_ug_l        integer      not null,
    per_mille_factor      text  not null,
    results_deleted_at_ms integer,
    created_at_ms         integer       not null
);

create table care_users (
    id              text not null primary key,
    role            text  not null check (role in ('SUBSTANCE_ABUSE_WORKER', 'CHILD_PROTECTION_WORKER', 'TECHNICIAN',
                                                           'ADMINISTRATOR', 'PARENT')),
    organisation_id text references care_organisations (id),
    client_id       text references care_clients (id),
    password_hash   text not null,
    locked_until_ms integer,
    created_at_ms   integer       not null
);

-- A device lent to a family from from_ms until until_ms (null: still there). Evidence belongs to the
-- client whose assignment holds the event's time, so a device lent on keeps histories apart.
create table care_device_assignments (
    id        integer not null primary key autoincrement,
    client_id text not null references care_clients (id),
    device_id text  not null,
    from_ms   integer       not null,
    until_ms  integer,
    check (until_ms is null or until_ms > from_ms)
);
create index care_assignments_by_device on care_device_assignments (device_id, from_ms);
create index care_assignments_by_client on care_device_assignments (client_id);

-- Append-only: a change is a new version (see the triggers below).
create table care_consent_versions (
    consent_id      text not null,
    version         integer      not null,
    client_id       text not null references care_clients (id),
    unit_id         text not null,
    valid_from_ms   integer       not null,
    valid_until_ms  integer       not null,
    scopes          text  not null,
    recorded_by     text not null,
    recorded_at_ms  integer       not null,
    revoked_at_ms   integer,
    revoked_by      text,
    primary key (consent_id, version)
);
create index care_consents_by_client on care_consent_versions (client_id);

create trigger care_consent_versions_no_update before update on care_consent_versions
begin
    select raise(abort, 'care_consent_versions is append-only: record a new version instead of UPDATE');
end;
create trigger care_consent_versions_no_delete before delete on care_consent_versions
begin
    select raise(abort, 'care_consent_versions is append-only: record a new version instead of DELETE');
end;

-- One row per alert key; alert_json is the whole alert as the engine last returned it.
create table care_alerts (
    alert_key       text not null primary key,
    client_id       text not null references care_clients (id),
    device_id       text  not null,
    kind            text  not null,
    severity        text  not null,
    status          text  not null,
    raised_at_ms    integer       not null,
    updated_at_ms   integer       not null,
    escalate_at_ms  integer,
    escalated_at_ms integer,
    ack_by          text,
    ack_note        text,
    ack_at_ms       integer,
    alert_json      text         not null
);
create index care_alerts_by_client on care_alerts (client_id, status);
create index care_alerts_by_escalation on care_alerts (status, escalate_at_ms);

-- What each alert command asks to be delivered, per channel: the outbox of later channels.
create table care_alert_deliveries (
    id               integer not null primary key autoincrement,
    alert_key        text not null,
    channel          text  not null,
    reason           text  not null check (reason in ('raise', 'update', 'escalate')),
    state            text  not null check (state in ('pending', 'delivered', 'dead')),
    attempts         integer      not null,
    created_at_ms    integer       not null,
    next_attempt_ms  integer,
    delivered_at_ms  integer,
    last_error       text
);
create index care_deliveries_by_state on care_alert_deliveries (state, channel, next_attempt_ms);
create index care_deliveries_by_alert on care_alert_deliveries (alert_key);

-- A worker's excuse beside the event; the signed event itself is never changed.
create table care_excuses (
    device_id text   not null,
    seq       integer        not null,
    client_id text  not null references care_clients (id),
    by_user   text  not null,
    note      text not null,
    at_ms     integer        not null,
    primary key (device_id, seq)
);

-- The hash-chained audit log (care.audit.AuditChain): seq without gaps, each hash over the entry and prev_hash.
create table care_audit_log (
    seq          integer        not null primary key,
    at_ms        integer        not null,
    actor        text  not null,
    action       text   not null,
    subject_type text  not null,
    subject_id   text  not null,
    detail       text not null,
    prev_hash    text      not null,
    hash         text      not null
);

-- Signed configurations sent to devices (the newest is retained on the device's config topic).
create table care_device_configs (
    device_id     text  not null,
    version       integer       not null,
    client_id     text not null references care_clients (id),
    issued_at_ms  integer       not null,
    issued_by     text not null,
    compact       text         not null,
    primary key (device_id, version)
);
