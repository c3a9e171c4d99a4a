-- Leaving a one-to-one conversation hides it from the sidebar until a new
-- message arrives (server/src/store/channels.rs): the membership stays,
-- and notes the conversation's last seq when it was left. The sidebar
-- lists it again once the conversation has a later message, or once its
-- member opens it again. NULL while it is shown.
ALTER TABLE memberships ADD COLUMN hidden_seq BIGINT;
