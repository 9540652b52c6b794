-- The one-time admin token of the devices' listener (docs/receiver.md, "The admin token"), shared by every receiver on this
-- database: only its SHA-256 (hex) is kept, never the token. One row at most (id 1). It is retired, whatever this table
-- holds, once an administrator account exists.
create table ops_admin_token (
    id            integer     not null primary key check (id = 1),
    sha256        varchar(64) not null,
    created_at_ms bigint      not null
);
