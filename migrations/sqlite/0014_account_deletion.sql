-- Deleting an account (server/src/store/deletion.rs). The row stays, so
-- that the user's messages keep their sender: it is renamed "deleted user
-- <id>" (no username can hold a space) and loses its password, sessions and
-- memberships. For a while no one may sign up with its old name, in any
-- case, or with a name that looks like it: the row keeps its look-alike
-- key and the old name, lower-cased, until a sign-up after the hold
-- releases them.

-- Deleted since; NULL while the account exists.
ALTER TABLE users ADD COLUMN deleted_at INTEGER;
-- A deleted account's former name, lower-cased, while it is held.
ALTER TABLE users ADD COLUMN held_name TEXT;
