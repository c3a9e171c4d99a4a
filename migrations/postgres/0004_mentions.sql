-- Mentions: the members a message calls, by name or with @here, recorded in
-- the transaction that stores it (and, for names added, that edits it), so
-- that each member's mentions are counted and listed from the database.
-- Deleting the message deletes its mentions.
CREATE TABLE mentions (
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message_id BIGINT  NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    channel_id BIGINT  NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    seq        BIGINT  NOT NULL,
    PRIMARY KEY (user_id, message_id)
);
-- Counting a member's unread mentions in a channel.
CREATE INDEX mentions_by_channel ON mentions (user_id, channel_id, seq);
CREATE INDEX mentions_by_message ON mentions (message_id);

-- When @here last called the channel's online members: it may once a minute.
ALTER TABLE channels ADD COLUMN here_at BIGINT;
