-- Web Push subscriptions: where a browser's push service takes messages for
-- it, and the keys that encrypt them. Each belongs to the session that made
-- it, and is deleted when that session ends (log-out, a new log-in, expiry)
-- or when the push service says the endpoint is gone.
CREATE TABLE push_subscriptions (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The tower_sessions id of the session that subscribed.
    session_id TEXT    NOT NULL,
    endpoint   TEXT    NOT NULL UNIQUE,
    -- The browser's P-256 public key and auth secret, base64url.
    p256dh     TEXT    NOT NULL,
    auth       TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);
CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user_id);
CREATE INDEX push_subscriptions_by_session ON push_subscriptions (session_id);
