-- Up Migration
-- A law-enforcement hold pauses an obligation's clock where the law permits; lifting it moves the
-- working deadline on by the time it was held.
ALTER TABLE obligations ADD COLUMN held_since timestamptz;

-- Down Migration
-- Forward-only.
