-- Each member's notification setting for the channel: 'all', 'mentions' or
-- 'nothing'; NULL until they choose, meaning the default for the channel's
-- kind and size (app::protocol::Notify::default_for).
ALTER TABLE memberships ADD COLUMN notify TEXT
    CHECK (notify IN ('all', 'mentions', 'nothing'));
