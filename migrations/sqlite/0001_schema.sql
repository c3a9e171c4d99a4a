-- Banter's schema on SQLite. Times are Unix milliseconds (UTC).

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    -- Shown as typed; unique without regard to case (names are ASCII).
    username      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Public channels and one-to-one conversations share one table, so that
-- messages, memberships and read markers work the same for both.
CREATE TABLE channels (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('public', 'direct')),
    -- Public channels only; unique without regard to case.
    name        TEXT    COLLATE NOCASE,
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    -- The seq of the newest message, bumped in the transaction that inserts
    -- it: the per-channel sequence that orders history and catch-up.
    last_seq    INTEGER NOT NULL DEFAULT 0,
    -- The two people of a conversation, lower id first, so that a pair has
    -- exactly one conversation.
    direct_low  INTEGER REFERENCES users (id) ON DELETE CASCADE,
    direct_high INTEGER REFERENCES users (id) ON DELETE CASCADE,
    CHECK (
        (kind = 'public' AND name IS NOT NULL AND direct_low IS NULL AND direct_high IS NULL)
        OR (kind = 'direct' AND name IS NULL AND direct_low < direct_high)
    )
);
CREATE UNIQUE INDEX channels_public_name ON channels (name) WHERE kind = 'public';
CREATE UNIQUE INDEX channels_direct_pair ON channels (direct_low, direct_high) WHERE kind = 'direct';

CREATE TABLE memberships (
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel_id    INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    joined_at     INTEGER NOT NULL,
    -- The read marker: the seq of the last message this member has seen.
    last_read_seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, channel_id)
) WITHOUT ROWID;
CREATE INDEX memberships_by_channel ON memberships (channel_id, user_id);

CREATE TABLE messages (
    id         INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    sender_id  INTEGER NOT NULL REFERENCES users (id),
    -- The id the sender's client chose; a resend with the same id is the
    -- same message.
    client_id  BLOB    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (channel_id, seq),
    UNIQUE (sender_id, client_id)
);

-- General: the channel everyone is in. Its id is fixed.
INSERT INTO channels (id, kind, name, created_at) VALUES (1, 'public', 'General', 0);
