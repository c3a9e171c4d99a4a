-- Group conversations (server/src/store/groups.rs): a third kind of
-- channel, of three to nine people, with an optional name (not unique:
-- the unique index on names covers named channels only).
--
-- SQLite cannot change a CHECK constraint in place, so the channels table
-- is rebuilt the way SQLite documents (https://sqlite.org/lang_altertable.html,
-- "Making Other Kinds Of Table Schema Changes"). Banter runs its SQLite
-- migrations with foreign keys off, which this needs (dropping the old
-- table with them on would delete every message and membership of every
-- channel), and checks every key once they have run (server/src/store/sql.rs).
CREATE TABLE channels_rebuilt (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('public', 'direct', 'group')),
    name        TEXT    COLLATE NOCASE,
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL DEFAULT 0,
    direct_low  INTEGER REFERENCES users (id) ON DELETE CASCADE,
    direct_high INTEGER REFERENCES users (id) ON DELETE CASCADE,
    last_rev    INTEGER NOT NULL DEFAULT 0,
    here_at     INTEGER,
    topic       TEXT    NOT NULL DEFAULT '',
    is_private  INTEGER NOT NULL DEFAULT 0,
    archived_at INTEGER,
    CHECK (
        (kind = 'public' AND name IS NOT NULL AND direct_low IS NULL AND direct_high IS NULL)
        OR (kind = 'direct' AND name IS NULL AND direct_low < direct_high)
        OR (kind = 'group' AND direct_low IS NULL AND direct_high IS NULL)
    )
);
INSERT INTO channels_rebuilt (id, kind, name, created_by, created_at, last_seq, direct_low,
                              direct_high, last_rev, here_at, topic, is_private, archived_at)
SELECT id, kind, name, created_by, created_at, last_seq, direct_low,
       direct_high, last_rev, here_at, topic, is_private, archived_at
FROM channels;
DROP TABLE channels;
ALTER TABLE channels_rebuilt RENAME TO channels;
CREATE UNIQUE INDEX channels_public_name ON channels (name) WHERE kind = 'public';
CREATE UNIQUE INDEX channels_direct_pair ON channels (direct_low, direct_high) WHERE kind = 'direct';
