-- Channel details (server/src/store/channel_settings.rs): a topic, private
-- channels and archiving. A row of kind 'public' is any named channel;
-- `is_private` hides it from those outside it.

-- Shown in the header; '' for none.
ALTER TABLE channels ADD COLUMN topic TEXT NOT NULL DEFAULT '';
-- Set when created, for good: listed and searchable only to its members,
-- who invite others in.
ALTER TABLE channels ADD COLUMN is_private BOOLEAN NOT NULL DEFAULT FALSE;
-- Archived (read-only) since; NULL while open.
ALTER TABLE channels ADD COLUMN archived_at BIGINT;
