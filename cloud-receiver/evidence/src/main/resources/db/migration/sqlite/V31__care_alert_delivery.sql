-- Alert delivery (issue 8): workers' e-mail address and language, webhooks per organisation, and one outbox row per
-- recipient in care_alert_deliveries (docs/care-workflow.md, "Delivery"). Times are epoch milliseconds (UTC).

-- Where a worker is e-mailed (null: no e-mail, the in-app inbox only) and in which language (fi, sv or en).
alter table care_users add column email text;
alter table care_users add column language text not null default 'fi' check (language in ('fi', 'sv', 'en'));

-- A case-management system's endpoint for one organisation's alerts. The secret is the HMAC key (its UTF-8 bytes);
-- disabled_at_ms set: no new deliveries are made to it.
create table care_webhooks (
    id              text not null primary key,
    organisation_id text not null references care_organisations (id),
    url             text not null,
    secret          text not null,
    created_at_ms   integer not null,
    disabled_at_ms  integer
);
create index care_webhooks_by_organisation on care_webhooks (organisation_id);

-- The outbox gains: a state 'withheld' (not delivered because consent no longer covers it; final, never replayed),
-- the recipient (a user id for channel 'email', a webhook id for channel 'webhook'), the inbox row it was fanned out
-- from (source_id; unique per channel and recipient, so a fan-out never happens twice), when an inbox row was fanned
-- out, and a webhook's body, fixed when fanned out so that every retry and replay sends the same bytes.
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt with the same ids.
create table care_alert_deliveries_v31 (
    id               integer not null primary key autoincrement,
    alert_key        text not null,
    channel          text not null,
    reason           text not null check (reason in ('raise', 'update', 'escalate')),
    state            text not null check (state in ('pending', 'delivered', 'dead', 'withheld')),
    attempts         integer not null,
    created_at_ms    integer not null,
    next_attempt_ms  integer,
    delivered_at_ms  integer,
    last_error       text,
    recipient        text,
    source_id        integer,
    fanned_out_at_ms integer,
    payload          text
);
-- Inbox rows stored before this version count as fanned out: an upgrade does not e-mail old alerts.
insert into care_alert_deliveries_v31 (id, alert_key, channel, reason, state, attempts, created_at_ms, next_attempt_ms,
                                       delivered_at_ms, last_error, fanned_out_at_ms)
select id, alert_key, channel, reason, state, attempts, created_at_ms, next_attempt_ms, delivered_at_ms, last_error,
       case when channel = 'inbox' then coalesce(delivered_at_ms, created_at_ms) end
from care_alert_deliveries;
drop table care_alert_deliveries;
alter table care_alert_deliveries_v31 rename to care_alert_deliveries;
create index care_deliveries_by_state on care_alert_deliveries (state, channel, next_attempt_ms);
create index care_deliveries_by_alert on care_alert_deliveries (alert_key);
create index care_deliveries_due on care_alert_deliveries (state, next_attempt_ms);
create index care_deliveries_to_fan_out on care_alert_deliveries (channel, fanned_out_at_ms);
create unique index care_deliveries_one_per_recipient on care_alert_deliveries (source_id, channel, recipient);
