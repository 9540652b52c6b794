-- A quarantine that cannot fill the disk (issue 16; docs/receiver.md, "Quarantine reasons"). Rows are capped per device and
-- class (verified: signed by the device itself, e.g. seq_reused; unverified: anything else) and overall, and expire after
-- their retention. quarantine_tally counts, per scope, the rows kept and those refused for a full quarantine (dropped):
-- scope '*' is the whole table, '<device id>|verified' / '<device id>|unverified' one device's class ('-' for no device).
alter table quarantine add column verified integer not null default 0;
update quarantine set verified = 1 where reason in ('seq_reused', 'store_failed') or (reason = 'wrong_topic' and seq is not null);
create index quarantine_by_time on quarantine (received_at_ms);

create table quarantine_tally (
    scope   text    not null primary key,
    kept    integer not null,
    dropped integer not null
);
insert into quarantine_tally (scope, kept, dropped)
select coalesce(device_id, '-') || '|' || case when verified = 1 then 'verified' else 'unverified' end, count(*), 0
from quarantine group by coalesce(device_id, '-') || '|' || case when verified = 1 then 'verified' else 'unverified' end;
insert into quarantine_tally (scope, kept, dropped) select '*', count(*), 0 from quarantine;
