-- Profiles (app/src/model.rs, DisplayName): the name someone chose to be
-- shown by, beside their username; '' for none.
ALTER TABLE users ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
