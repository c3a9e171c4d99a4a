-- Messages change after they are sent: edited, deleted, reacted to. Every
-- change to a channel takes the next value of the channel's revision
-- counter, in the transaction that makes it (under the channel row's lock,
-- like last_seq), and the message records the revision of its latest
-- change. Catch-up is "every message changed after revision r". A message
-- sent before this migration was last changed when it was sent, so its
-- revision is its seq.
ALTER TABLE channels ADD COLUMN last_rev INTEGER NOT NULL DEFAULT 0;
UPDATE channels SET last_rev = last_seq;

ALTER TABLE messages ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET rev = seq;
CREATE UNIQUE INDEX messages_by_rev ON messages (channel_id, rev);

-- When the text was last edited.
ALTER TABLE messages ADD COLUMN edited_at INTEGER;
-- A deleted message keeps its seq (history stays gap-free); its text is
-- emptied, its reactions removed.
ALTER TABLE messages ADD COLUMN deleted_at INTEGER;
-- The message this one answers, in the same channel.
ALTER TABLE messages ADD COLUMN reply_to INTEGER REFERENCES messages (id);

CREATE TABLE reactions (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    emoji      TEXT    NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (message_id, emoji, user_id)
) WITHOUT ROWID;
