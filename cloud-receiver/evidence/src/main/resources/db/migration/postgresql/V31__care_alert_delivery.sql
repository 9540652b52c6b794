-- Alert delivery (issue 8): workers' e-mail address and language, webhooks per organisation, and one outbox row per
-- recipient in care_alert_deliveries (docs/care-workflow.md, "Delivery"). Times are epoch milliseconds (UTC).

-- Where a worker is e-mailed (null: no e-mail, the in-app inbox only) and in which language (fi, sv or en).
alter table care_users add column email varchar(320);
alter table care_users add column language varchar(2) not null default 'fi' check (language in ('fi', 'sv', 'en'));

-- A case-management system's endpoint for one organisation's alerts. The secret is the HMAC key (its UTF-8 bytes);
-- disabled_at_ms set: no new deliveries are made to it.
create table care_webhooks (
    id              varchar(128)  not null primary key,
    organisation_id varchar(128)  not null references care_organisations (id),
    url             varchar(2000) not null,
    secret          varchar(256)  not null,
    created_at_ms   bigint        not null,
    disabled_at_ms  bigint
);
create index care_webhooks_by_organisation on care_webhooks (organisation_id);

-- The outbox gains: a state 'withheld' (not delivered because consent no longer covers it; final, never replayed),
-- the recipient (a user id for channel 'email', a webhook id for channel 'webhook'), the inbox row it was fanned out
-- from (source_id; unique per channel and recipient, so a fan-out never happens twice), when an inbox row was fanned
-- out, and a webhook's body, fixed when fanned out so that every retry and replay sends the same bytes.
alter table care_alert_deliveries drop constraint care_alert_deliveries_state_check;
alter table care_alert_deliveries add constraint care_alert_deliveries_state_check
    check (state in ('pending', 'delivered', 'dead', 'withheld'));
alter table care_alert_deliveries add column recipient varchar(128);
alter table care_alert_deliveries add column source_id bigint;
alter table care_alert_deliveries add column fanned_out_at_ms bigint;
alter table care_alert_deliveries add column payload text;
-- Inbox rows stored before this version count as fanned out: an upgrade does not e-mail old alerts.
update care_alert_deliveries set fanned_out_at_ms = coalesce(delivered_at_ms, created_at_ms) where channel = 'inbox';
create index care_deliveries_due on care_alert_deliveries (state, next_attempt_ms);
create index care_deliveries_to_fan_out on care_alert_deliveries (channel, fanned_out_at_ms);
create unique index care_deliveries_one_per_recipient on care_alert_deliveries (source_id, channel, recipient);
