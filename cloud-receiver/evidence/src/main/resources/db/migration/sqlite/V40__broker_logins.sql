-- Device logins at the broker (issue 16; docs/receiver.md, "Device logins at the broker"). A device logs in with
-- user name = its device id and a random password the receiver made and told it once; only the password's Mosquitto
-- $7$ hash (PBKDF2-SHA512) is kept. One row per device that may log in: no row, no login. Revoking a device deletes
-- its row in the same transaction.
create table broker_logins (
    device_id     text    not null primary key references devices (device_id),
    password_hash text    not null,
    issued_at_ms  integer not null,
    issued_by     text    not null
);

-- Every change to who may log in, in order: the embedded broker reads it to disconnect a device at once when its login
-- is replaced or removed, whichever process (an admin command, another receiver instance) made the change.
create table broker_login_changes (
    id        integer not null primary key autoincrement,
    device_id text    not null,
    change    text    not null check (change in ('issued', 'removed')),
    at_ms     integer not null
);
create index broker_login_changes_by_time on broker_login_changes (at_ms);

-- Logins made at enrollment before this version lived beside the used code: they move here, so that devices
-- enrolled before keep working (their password file is unchanged), and one fact has one home.
insert into broker_logins (device_id, password_hash, issued_at_ms, issued_by)
select e.device_id, e.mqtt_password_hash, coalesce(e.used_at_ms, e.created_at_ms), 'enrollment'
from enrollment_codes e join devices d on d.device_id = e.device_id
where e.mqtt_password_hash is not null and d.status = 'active';
update enrollment_codes set mqtt_password_hash = null where mqtt_password_hash is not null;
