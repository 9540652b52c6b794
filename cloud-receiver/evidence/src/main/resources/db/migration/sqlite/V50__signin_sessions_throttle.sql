-- Sign-in state shared by every receiver on one database (issue 17): sessions (so a restart signs nobody
-- out and two instances behind a load balancer share them), the login throttle, and sign-ins through an
-- identity provider under way. Times are epoch milliseconds (UTC), as in V1.

-- A session, keyed by the SHA-256 of its id (the id itself is only in the browser's cookie). user_id is
-- null for a pre-login session (it carries the login form's CSRF token, and a sign-in half done: the
-- password checked, the second factor still to come, in pending_*).
create table care_sessions (
    id_hash          text    not null primary key,
    user_id          text,
    role             text,
    organisation_id  text,
    client_id        text,
    csrf_token       text    not null,
    created_at_ms    integer  not null,
    last_seen_ms     integer  not null,
    method           text,
    provider_id      text,
    id_token         text,
    pending_user_id  text,
    pending_step     text,
    pending_secret   text,
    pending_until_ms integer
);
create index care_sessions_by_user on care_sessions (user_id);
create index care_sessions_by_last_seen on care_sessions (last_seen_ms);

-- Failed sign-ins per key: 'pair:<account>|<address>', 'source:<address>', 'account:<account>'
-- (care.account.LoginThrottle). A row is read, checked and updated in one transaction per attempt.
create table care_login_throttle (
    throttle_key     text    not null primary key,
    failures         integer not null,
    last_failure_ms  integer  not null,
    wait_until_ms    integer
);

-- A sign-in through an identity provider under way: found by the SHA-256 of its state, used once,
-- bound to the browser that started it (SHA-256 of a cookie), with its nonce and PKCE verifier.
create table care_signin_flows (
    state_hash       text    not null primary key,
    binding_hash     text    not null,
    provider_id      text    not null,
    nonce            text    not null,
    code_verifier    text    not null,
    next_path        text,
    invitation_hash  text,
    language         text,
    created_at_ms    integer  not null,
    expires_at_ms    integer  not null
);
