-- Channel roles and moderation (server/src/store/moderation.rs).

-- A member's role in a channel. The creator of a public channel owns it;
-- owners appoint moderators. General and conversations have no owner:
-- administrators moderate them.
ALTER TABLE memberships ADD COLUMN role TEXT NOT NULL DEFAULT 'member'
    CHECK (role IN ('owner', 'moderator', 'member'));
UPDATE memberships SET role = 'owner'
WHERE EXISTS (SELECT 1 FROM channels c
              WHERE c.id = memberships.channel_id AND c.kind = 'public'
                AND c.created_by = memberships.user_id);
-- Timed out by a moderator: the member cannot send before this time.
ALTER TABLE memberships ADD COLUMN muted_until BIGINT;

-- Set when a moderator, not its author, deleted the message: its tombstone
-- says "removed by a moderator". Who did is in the audit log.
ALTER TABLE messages ADD COLUMN removed BOOLEAN NOT NULL DEFAULT FALSE;

-- People banned from a channel: removed from it, they cannot join again
-- until unbanned.
CREATE TABLE channel_bans (
    channel_id BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    banned_at  BIGINT NOT NULL,
    PRIMARY KEY (channel_id, user_id)
);

-- Which channel a moderator's action was in (NULL for an administrator's
-- action on an account), by id and by its name as it was.
ALTER TABLE audit_log ADD COLUMN channel_id BIGINT;
ALTER TABLE audit_log ADD COLUMN channel_name TEXT;
