-- The audit log (server/src/store/audit.rs): what administrators did to
-- whom, and when, each entry written in the transaction of what it
-- records. Names are kept as they were; `actor_id` NULL is the command
-- line (`banter admin`). No foreign keys: entries outlive accounts.
CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at  BIGINT NOT NULL,
    actor_id    BIGINT,
    actor_name  TEXT,
    action      TEXT   NOT NULL,
    target_id   BIGINT NOT NULL,
    target_name TEXT   NOT NULL
);
