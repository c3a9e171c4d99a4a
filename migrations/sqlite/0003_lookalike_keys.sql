-- Usernames that look alike ("aIice" beside "alice") are refused at sign-up:
-- each user has the key under which look-alike names collide (computed by
-- the server; see Username::lookalike_key). Users from before this migration
-- get theirs at the next start; NULL until then.
ALTER TABLE users ADD COLUMN lookalike_key TEXT;
CREATE UNIQUE INDEX users_lookalike_key ON users (lookalike_key);
