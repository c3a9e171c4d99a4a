-- The audit log (server/src/store/audit.rs): what administrators did to
-- whom, and when, each entry written in the transaction of what it
-- records. Names are kept as they were; `actor_id` NULL is the command
-- line (`banter admin`). No foreign keys: entries outlive accounts.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT,
    action      TEXT    NOT NULL,
    target_id   INTEGER NOT NULL,
    target_name TEXT    NOT NULL
);
