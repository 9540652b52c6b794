-- When the parent said what a consent version records (issue 19): an amendment is dated when the parent said it, which
-- may be before the worker recorded it. Beside the append-only versions, never instead of their recorded_at.

create table care_consent_said_at (
    consent_id text not null,
    version    integer not null,
    said_at_ms integer not null,
    primary key (consent_id, version)
);
