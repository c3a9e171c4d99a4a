-- Message search (server/src/store/search.rs). Each message's text, folded
-- for matching (lower case, no diacritics, compatibility forms; see
-- app/src/search/fold.rs), with a trigram index (pg_trgm, a trusted
-- extension: the database's owner may create it), so that a substring of
-- three characters or more is found through the index, in any script. A
-- message's row is written, rewritten on an edit and deleted with the
-- message in the transaction that changes the message; a deleted message
-- has none.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE message_search (
    message_id BIGINT  PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    body       TEXT    NOT NULL,
    -- The message holds a web address (`has:link`).
    has_link   BOOLEAN NOT NULL
);
CREATE INDEX message_search_trigrams ON message_search USING gin (body gin_trgm_ops);

-- Messages stored before the index existed: folding is Banter's own, not
-- SQL's, so the server indexes them when it starts, from the newest down,
-- before it serves. `below` is the id the next batch starts under; the row
-- goes once every message is indexed.
CREATE TABLE search_backlog (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    below BIGINT  NOT NULL
);
INSERT INTO search_backlog (id, below)
SELECT 1, MAX(id) + 1 FROM messages HAVING COUNT(*) > 0;
