-- Files shared in messages (server/src/store/files.rs). A file is uploaded
-- to a channel first, pending (no message) and seen only by its uploader,
-- then attached to the message that carries it. Its bytes live in the blob
-- storage under `hash` (SHA-256, hex), so the same bytes uploaded twice are
-- stored once; `width` and `height` are an image's, as shown (0 for other
-- files).
CREATE TABLE files (
    id          INTEGER PRIMARY KEY,
    channel_id  INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    uploader_id INTEGER NOT NULL REFERENCES users (id),
    message_id  INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL DEFAULT 0,
    hash        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    media       TEXT    NOT NULL,
    width       INTEGER NOT NULL DEFAULT 0,
    height      INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE INDEX files_by_message ON files (message_id, position);
CREATE INDEX files_by_hash ON files (hash);
CREATE INDEX files_by_uploader ON files (uploader_id, created_at);
CREATE INDEX files_pending ON files (created_at) WHERE message_id IS NULL;

-- Blobs that may no longer be referenced: the collector deletes each from
-- the storage once no file has its hash (an upload of the same bytes
-- meanwhile keeps it).
CREATE TABLE orphan_blobs (
    hash TEXT PRIMARY KEY,
    since INTEGER NOT NULL
) WITHOUT ROWID;
