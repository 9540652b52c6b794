-- The parents' feedback on the service (issue 20): "how is this working for you?", optional, from the
-- parent's own page. Deliberately NOT tied to results: no device, sequence number, reading, alert or
-- event reference is stored, so an answer cannot be read beside a test. `client_id` is kept so that
-- the client's substance-abuse service can contact a parent who asks for it, `organisation_id` is that
-- service when the feedback was given (who may read it). `feeling` is the scale's answer or null;
-- `words` the parent's own text or null; at least one of feeling, words or contact_wanted is given.
-- Times are epoch milliseconds (UTC).
create table care_parent_feedback (
    feedback_id     text    not null primary key,
    client_id       text    not null,
    organisation_id text    not null,
    given_at_ms     integer not null,
    feeling         text check (feeling in ('good', 'mixed', 'bad')),
    words           text,
    contact_wanted  integer not null check (contact_wanted in (0, 1))
);
create index care_parent_feedback_by_organisation on care_parent_feedback (organisation_id, given_at_ms);
