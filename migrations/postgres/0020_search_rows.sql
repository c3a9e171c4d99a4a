-- Each message's search row carries its channel, sender and time, so that
-- a search reads the index alone: which channels the searcher may read,
-- `from:`, `before:` and `after:` are checked on the row, without joining
-- every match to its message (server/src/store/search_sql.rs). They never
-- change after a message is sent; the row is written with them
-- (`search_sql::insert`).
--
-- The table is written anew rather than updated in place: an UPDATE of
-- every row would leave each one's old version behind, in the table and in
-- the trigram index, until a vacuum. In message order, as new rows come.
CREATE TABLE message_search_rows AS
SELECT s.message_id, s.body, s.has_link, m.channel_id, m.sender_id, m.created_at
FROM message_search s
JOIN messages m ON m.id = s.message_id
ORDER BY s.message_id;

DROP TABLE message_search;
ALTER TABLE message_search_rows RENAME TO message_search;
ALTER TABLE message_search
    ADD PRIMARY KEY (message_id),
    ADD FOREIGN KEY (message_id) REFERENCES messages (id) ON DELETE CASCADE,
    ALTER COLUMN body       SET NOT NULL,
    ALTER COLUMN has_link   SET NOT NULL,
    ALTER COLUMN channel_id SET NOT NULL,
    ALTER COLUMN sender_id  SET NOT NULL,
    ALTER COLUMN created_at SET NOT NULL;
CREATE INDEX message_search_trigrams ON message_search USING gin (body gin_trgm_ops);

-- `from:` with a word: the sender's messages, newest first, each checked
-- for the word, rather than every message with the word sorted.
CREATE INDEX message_search_senders ON message_search (sender_id, message_id);

-- Planned from the start with what the rows hold.
ANALYZE message_search;
