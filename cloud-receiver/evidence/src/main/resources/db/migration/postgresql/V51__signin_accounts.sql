-- Accounts done properly (issue 18): invitations instead of typed passwords, a TOTP second factor and
-- recovery codes, accounts bound to an identity provider's subject, and a name a parent may be shown.
-- A password_hash of '!' means "no password": invited and not yet accepted, or signs in through an
-- identity provider only.

alter table care_users add column display_name text;
alter table care_users add column totp_secret text;
alter table care_users add column totp_last_step bigint;
alter table care_users add column password_changed_at_ms bigint;

-- One-time codes: 'account' (an invitation link: the person sets their own password) and
-- 'parent_identity' (a code a worker hands a parent in person, to bind their strong identification
-- to their client record once). Only the SHA-256 of a code is kept.
create table care_invitations (
    code_hash      text    not null primary key,
    kind           text    not null check (kind in ('account', 'parent_identity')),
    user_id        text,
    client_id      text,
    created_by     text    not null,
    created_at_ms  bigint  not null,
    expires_at_ms  bigint  not null,
    used_at_ms     bigint,
    used_by        text
);
create index care_invitations_by_user on care_invitations (user_id);

-- Who an identity provider's subject is here: bound by an administrator (workers) or by a parent's
-- one-time code. subject_kind 'sub' (the provider's subject), 'email' (a verified e-mail address),
-- 'upn' (the organisation's user principal name) or 'identity_code' (an HMAC-SHA256 of the personal
-- identity code under the receiver's sign-in secret: the code itself is never kept).
create table care_identity_bindings (
    provider_id    text    not null,
    subject_kind   text    not null check (subject_kind in ('sub', 'email', 'upn', 'identity_code')),
    subject        text    not null,
    user_id        text    not null references care_users (id),
    bound_at_ms    bigint  not null,
    bound_by       text    not null,
    primary key (provider_id, subject_kind, subject)
);
create index care_identity_bindings_by_user on care_identity_bindings (user_id);

-- Recovery codes for a lost authenticator: SHA-256 of each, used once.
create table care_recovery_codes (
    user_id        text    not null references care_users (id),
    code_hash      text    not null,
    created_at_ms  bigint  not null,
    used_at_ms     bigint,
    primary key (user_id, code_hash)
);
