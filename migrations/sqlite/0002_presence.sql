-- Presence: who is connected, on which server node. A user is online while
-- any row of theirs exists for a live node. Rows are written through a
-- connection that does not wait for the disk (presence is rebuilt from
-- connections after a crash), and reconciled against node heartbeats.

CREATE TABLE nodes (
    id           TEXT    PRIMARY KEY,
    started_at   INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE presence (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    node_id TEXT    NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    since   INTEGER NOT NULL,
    PRIMARY KEY (user_id, node_id)
) WITHOUT ROWID;
CREATE INDEX presence_by_node ON presence (node_id);

-- Bumped with every change of a user's online state, so that every node can
-- tell a late announcement from a newer one.
ALTER TABLE users ADD COLUMN presence_version INTEGER NOT NULL DEFAULT 0;
