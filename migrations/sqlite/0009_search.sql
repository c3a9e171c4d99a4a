-- Message search (server/src/store/search.rs). Each message's text, folded
-- for matching (lower case, no diacritics, compatibility forms; see
-- app/src/search/fold.rs), indexed by trigram, so that any substring of
-- three characters or more is found through the index, in any script. The
-- rowid is the message's id. A message's row is written, rewritten on an
-- edit and deleted with the message in the transaction that changes the
-- message; a deleted message has none.
CREATE VIRTUAL TABLE message_search USING fts5 (
    body,
    -- 1 when the message holds a web address (`has:link`).
    has_link UNINDEXED,
    tokenize = 'trigram'
);

-- Messages stored before the index existed: folding is Banter's own, not
-- SQL's, so the server indexes them when it starts, from the newest down,
-- before it serves. `below` is the id the next batch starts under; the row
-- goes once every message is indexed.
CREATE TABLE search_backlog (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    below INTEGER NOT NULL
);
INSERT INTO search_backlog (id, below)
SELECT 1, MAX(id) + 1 FROM messages HAVING COUNT(*) > 0;
