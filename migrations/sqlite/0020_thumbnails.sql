-- An image's thumbnail (server/src/files/thumbs.rs) is kept beside its
-- blob; this is its media type (image/jpeg or image/png), or NULL when the
-- image is small enough to be its own thumbnail, or is not an image.
ALTER TABLE files ADD COLUMN thumb_media TEXT;
