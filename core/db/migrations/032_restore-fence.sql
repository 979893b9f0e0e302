-- Up Migration
-- Restoring a backup (issue 21 item 5; scripts/restore.ts, core/use-cases/restores.ts). A backup is
-- a moment; the relay lives on after it. A notice that was not final in the backup (no delivery row
-- yet, `claimed`, `retrying`, or `sending` — past the commit point, or not) may have been sent after
-- the backup was taken, and the restored database would send it again. So the restore records a
-- marker here and holds every such notice of the incidents that were delivering: a delivery row in
-- the state `held`, which no claim takes (core/db/deliveries.ts `claim` takes only `claimed` and
-- `retrying` rows), until an operator releases it (resend, with a reason) or confirms it sent on the
-- relay's evidence (its accepted Message-IDs: ours are deterministic per notice). Both audited.
--
-- Expand only (issue 21 item 2): a new table, new nullable columns and a wider CHECK; code of the
-- previous release never writes `held` and never claims a row in it.
CREATE TABLE restores (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The backup's own label (scripts/backup.ts writes it into the backup): a second run of the fence
  -- for the same backup finds this row and holds nothing more.
  backup_label     text NOT NULL,
  -- When the backup's copy ended, as the backup recorded it (null: not known, e.g. a dump made by hand).
  backup_taken_at  timestamptz,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  recorded_by      text NOT NULL,
  -- Notices held by this restore when it was recorded.
  held             integer NOT NULL DEFAULT 0,
  CONSTRAINT restores_backup_label_unique UNIQUE (backup_label)
);

ALTER TABLE deliveries
  DROP CONSTRAINT deliveries_status_check,
  ADD CONSTRAINT deliveries_status_check
    CHECK (status IN ('claimed', 'sending', 'sent', 'retrying', 'undeliverable', 'bounced', 'held')),
  -- The restore that held the row, and the state it was in (null: the person had no row yet).
  ADD COLUMN held_by_restore uuid REFERENCES restores (id),
  ADD COLUMN held_from text,
  ADD CONSTRAINT deliveries_held_check CHECK (status <> 'held' OR held_by_restore IS NOT NULL);

CREATE INDEX deliveries_held_idx ON deliveries (incident_id, customer_id) WHERE status = 'held';

-- Down Migration
-- Forward-only.
