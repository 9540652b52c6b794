-- Photos bound to readings (issue 11): chunks in transfer, stored photos, photos quarantined
-- (bytes that do not match the signed reading), the review of each photo, and each client's
-- enrolled reference photo. Times are epoch milliseconds (UTC), as in V1.

-- Chunks of a photo still in transfer (or complete and waiting for their reading). Not evidence:
-- deleted once the photo is stored or refused, or when a held photo's time is up.
create table photo_chunks (
    device_id      text    not null,
    reading_seq    integer not null,
    sha256         text    not null,
    chunk_index    integer not null,
    size           integer not null,
    chunk_count    integer not null,
    data           blob    not null,
    received_at_ms integer not null,
    primary key (device_id, reading_seq, sha256, chunk_index)
);

-- A stored photo: verified against the SHA-256 and size in its signed reading. The bytes are in
-- the data folder (storage 'file', path relative to it) or here (storage 'database').
create table photos (
    device_id     text    not null,
    reading_seq   integer not null,
    sha256        text    not null,
    size          integer not null,
    media_type    text    not null,
    storage       text    not null check (storage in ('file', 'database')),
    path          text,
    bytes         blob,
    taken_at_ms   integer not null,
    stored_at_ms  integer not null,
    primary key (device_id, reading_seq)
);

-- Photos that are not evidence: bytes that do not match the signed reading (kept, with the reason),
-- or photos for no reading that takes one (no bytes kept).
create table photo_quarantine (
    id             integer not null primary key autoincrement,
    device_id      text    not null,
    reading_seq    integer not null,
    reason         text    not null,
    detail         text    not null,
    claimed_sha256 text,
    actual_sha256  text,
    size           integer,
    bytes          blob,
    received_at_ms integer not null
);
create index photo_quarantine_by_reading on photo_quarantine (device_id, reading_seq);

-- The latest review of each photo; every review is also in the audit log.
create table photo_reviews (
    device_id      text    not null,
    reading_seq    integer not null,
    verdict        text    not null check (verdict in ('MATCHES', 'DOES_NOT_MATCH', 'UNCLEAR')),
    note           text    not null,
    reviewer       text    not null,
    reviewed_at_ms integer not null,
    primary key (device_id, reading_seq)
);

-- Each client's reference photo, enrolled by a worker, that review compares against.
create table reference_photos (
    client_id      text    not null primary key,
    sha256         text    not null,
    size           integer not null,
    media_type     text    not null,
    bytes          blob    not null,
    enrolled_by    text    not null,
    enrolled_at_ms integer not null
);
