-- The sessions each user is signed in with, for the list on /settings
-- (tower_sessions keeps a session's data opaque: this is its index by
-- user). Written at sign-in, deleted when the session ends; `id` is what
-- the page shows and posts, never the session's own id (a bearer secret).
CREATE TABLE user_sessions (
    id         INTEGER PRIMARY KEY,
    -- The tower_sessions id.
    session_id TEXT    NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    -- The browser's User-Agent as it signed in, cut short.
    agent      TEXT    NOT NULL
);
CREATE INDEX user_sessions_by_user ON user_sessions (user_id);
