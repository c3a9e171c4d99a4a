-- Accounts that administrators and their owners control
-- (server/src/auth/sign_out.rs, server/src/admin/).

-- An instance administrator. The first account is one: on a fresh install
-- the first to sign up; on an existing one, its oldest account.
ALTER TABLE users ADD COLUMN is_admin BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE users SET is_admin = TRUE WHERE id = (SELECT MIN(id) FROM users);
-- Set while the account is deactivated: it cannot sign in, and its
-- sessions no longer stand.
ALTER TABLE users ADD COLUMN deactivated_at INTEGER;
-- A session stands only while it carries its user's current value of this;
-- bumping it signs every session of the user out at once (a password
-- change, "Sign out everywhere else", deactivation). Sessions from before
-- it carry none, read as 0.
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;

-- When each listed session was last used, and from which address
-- (written at most every few minutes).
ALTER TABLE user_sessions ADD COLUMN last_seen_at INTEGER;
ALTER TABLE user_sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';

-- Users signed out by a command run beside the server (`banter admin
-- deactivate`, `reset-password`), which cannot reach the servers' bus:
-- every node reads new rows every second and closes those users' sockets.
-- Rows older than a day are deleted.
CREATE TABLE sign_outs (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
