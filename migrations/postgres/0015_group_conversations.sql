-- Group conversations (server/src/store/groups.rs): a third kind of
-- channel, of three to nine people, with an optional name (not unique:
-- the unique index on names covers named channels only).
ALTER TABLE channels DROP CONSTRAINT channels_kind_check;
ALTER TABLE channels DROP CONSTRAINT channels_check;
ALTER TABLE channels ADD CONSTRAINT channels_kind_check
    CHECK (kind IN ('public', 'direct', 'group'));
ALTER TABLE channels ADD CONSTRAINT channels_check CHECK (
    (kind = 'public' AND name IS NOT NULL AND direct_low IS NULL AND direct_high IS NULL)
    OR (kind = 'direct' AND name IS NULL AND direct_low < direct_high)
    OR (kind = 'group' AND direct_low IS NULL AND direct_high IS NULL)
);
