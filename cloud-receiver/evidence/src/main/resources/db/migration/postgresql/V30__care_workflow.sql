-- Care workflow (issue 8): organisations, accounts, clients, device assignments, consent versions,
-- alerts and their deliveries, excuses, the hash-chained audit log, signed device configurations.
-- Times are epoch milliseconds (UTC), as in V1.

create table care_organisations (
    id   varchar(128) not null primary key,
    name varchar(200) not null,
    kind varchar(32)  not null check (kind in ('SUBSTANCE_ABUSE_SERVICE', 'CHILD_PROTECTION_UNIT'))
);

create table care_clients (
    id                    varchar(128) not null primary key,
    display_name          varchar(200) not null,
    organisation_id       varchar(128) not null references care_organisations (id),
    case_status           varchar(16)  not null check (case_status in ('OPEN', 'CLOSED')),
    closed_at_ms          bigint,
    threshold_ug_l        integer      not null,
    per_mille_factor      varchar(32)  not null,
    results_deleted_at_ms bigint,
    created_at_ms         bigint       not null
);

create table care_users (
    id              varchar(128) not null primary key,
    role            varchar(32)  not null check (role in ('SUBSTANCE_ABUSE_WORKER', 'CHILD_PROTECTION_WORKER', 'TECHNICIAN',
                                                           'ADMINISTRATOR', 'PARENT')),
    organisation_id varchar(128) references care_organisations (id),
    client_id       varchar(128) references care_clients (id),
    password_hash   varchar(256) not null,
    locked_until_ms bigint,
    created_at_ms   bigint       not null
);

-- A device lent to a family from from_ms until until_ms (null: still there). Evidence belongs to the
-- client whose assignment holds the event's time, so a device lent on keeps histories apart.
create table care_device_assignments (
    id        bigint generated always as identity primary key,
    client_id varchar(128) not null references care_clients (id),
    device_id varchar(63)  not null,
    from_ms   bigint       not null,
    until_ms  bigint,
    check (until_ms is null or until_ms > from_ms)
);
create index care_assignments_by_device on care_device_assignments (device_id, from_ms);
create index care_assignments_by_client on care_device_assignments (client_id);

-- Append-only: a change is a new version (see the triggers below).
create table care_consent_versions (
    consent_id      varchar(128) not null,
    version         integer      not null,
    client_id       varchar(128) not null references care_clients (id),
    unit_id         varchar(128) not null,
    valid_from_ms   bigint       not null,
    valid_until_ms  bigint       not null,
    scopes          varchar(64)  not null,
    recorded_by     varchar(128) not null,
    recorded_at_ms  bigint       not null,
    revoked_at_ms   bigint,
    revoked_by      varchar(128),
    primary key (consent_id, version)
);
create index care_consents_by_client on care_consent_versions (client_id);

create function care_consent_versions_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'care_consent_versions is append-only: record a new version instead of %', tg_op;
end;
$$;
create trigger care_consent_versions_no_update before update or delete on care_consent_versions
    for each row execute function care_consent_versions_append_only();

-- One row per alert key; alert_json is the whole alert as the engine last returned it.
create table care_alerts (
    alert_key       varchar(128) not null primary key,
    client_id       varchar(128) not null references care_clients (id),
    device_id       varchar(63)  not null,
    kind            varchar(32)  not null,
    severity        varchar(16)  not null,
    status          varchar(16)  not null,
    raised_at_ms    bigint       not null,
    updated_at_ms   bigint       not null,
    escalate_at_ms  bigint,
    escalated_at_ms bigint,
    ack_by          varchar(128),
    ack_note        varchar(2000),
    ack_at_ms       bigint,
    alert_json      text         not null
);
create index care_alerts_by_client on care_alerts (client_id, status);
create index care_alerts_by_escalation on care_alerts (status, escalate_at_ms);

-- What each alert command asks to be delivered, per channel: the outbox of later channels.
create table care_alert_deliveries (
    id               bigint generated always as identity primary key,
    alert_key        varchar(128) not null,
    channel          varchar(32)  not null,
    reason           varchar(16)  not null check (reason in ('raise', 'update', 'escalate')),
    state            varchar(16)  not null check (state in ('pending', 'delivered', 'dead')),
    attempts         integer      not null,
    created_at_ms    bigint       not null,
    next_attempt_ms  bigint,
    delivered_at_ms  bigint,
    last_error       varchar(1000)
);
create index care_deliveries_by_state on care_alert_deliveries (state, channel, next_attempt_ms);
create index care_deliveries_by_alert on care_alert_deliveries (alert_key);

-- A worker's excuse beside the event; the signed event itself is never changed.
create table care_excuses (
    device_id varchar(63)   not null,
    seq       bigint        not null,
    client_id varchar(128)  not null references care_clients (id),
    by_user   varchar(128)  not null,
    note      varchar(2000) not null,
    at_ms     bigint        not null,
    primary key (device_id, seq)
);

-- The hash-chained audit log (care.audit.AuditChain): seq without gaps, each hash over the entry and prev_hash.
create table care_audit_log (
    seq          bigint        not null primary key,
    at_ms        bigint        not null,
    actor        varchar(128)  not null,
    action       varchar(64)   not null,
    subject_type varchar(128)  not null,
    subject_id   varchar(128)  not null,
    detail       varchar(4000) not null,
    prev_hash    char(64)      not null,
    hash         char(64)      not null
);

-- Signed configurations sent to devices (the newest is retained on the device's config topic).
create table care_device_configs (
    device_id     varchar(63)  not null,
    version       bigint       not null,
    client_id     varchar(128) not null references care_clients (id),
    issued_at_ms  bigint       not null,
    issued_by     varchar(128) not null,
    compact       text         not null,
    primary key (device_id, version)
);
