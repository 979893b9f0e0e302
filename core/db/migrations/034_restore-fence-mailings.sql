-- Up Migration
-- The restore fence (migration 032) for further mailings too (core/use-cases/restores.ts). A
-- reminder, supplement or update that was sending at the backup may have reached people after it;
-- the restored database would send them that message again. So the fence holds, in every mailing
-- still `sending`, each row not yet past the commit point (`selected`, `claimed`, `retrying`) as
-- `held`, with the Message-ID its message carries (`<mailing.<mailing id>.<customer id>@<domain>>`,
-- core/domain/mailings.ts) so that the relay's log settles it as it settles a first notice; a row
-- `sending` (the relay had it whole) is recorded sent. Only an operator's confirmation or release
-- moves a held row on, and a mailing is not finished while one of its rows is held.
--
-- Expand only: a wider CHECK, two nullable columns and a partial index; code of the previous
-- release never writes `held`, and its passes read and claim only `selected`, `claimed`,
-- `retrying` and `sending` rows.
ALTER TABLE mailing_deliveries
  DROP CONSTRAINT mailing_deliveries_status_check,
  ADD CONSTRAINT mailing_deliveries_status_check
    CHECK (status IN ('selected', 'claimed', 'sending', 'sent', 'retrying', 'undeliverable', 'skipped', 'held')),
  -- The restore that held the row, and the state it was in.
  ADD COLUMN held_by_restore uuid REFERENCES restores (id),
  ADD COLUMN held_from text,
  ADD CONSTRAINT mailing_deliveries_held_check CHECK (status <> 'held' OR held_by_restore IS NOT NULL);

CREATE INDEX mailing_deliveries_held_idx ON mailing_deliveries (incident_id, customer_id) WHERE status = 'held';

-- Down Migration
-- Forward-only.
