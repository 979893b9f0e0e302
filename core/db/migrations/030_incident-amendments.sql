-- Up Migration
-- Amending an incident (issue 17, item 1): the investigation finds more systems exposed, a wider
-- window, other categories, a key that was taken after all. Each amendment is a new version of the
-- incident's facts, kept with its reason and who made it (core/use-cases/amendments.ts); the
-- `incidents` row holds the current facts and `version`. The amendment's workflow
-- (workflows/amendment.ts) re-identifies as a diff, re-assesses and notifies; what it found is
-- recorded here once (`applied_at` and the counts), so a retried step finds it done.
ALTER TABLE incidents ADD COLUMN version integer NOT NULL DEFAULT 1;

CREATE TABLE incident_versions (
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  version     integer NOT NULL CHECK (version >= 2),
  reason      text NOT NULL,
  -- The amended facts before and after (systems, categories, window, encryption, the named
  -- customers' external ids, the description): no person's data beyond the inventory's own ids.
  before      jsonb NOT NULL,
  after       jsonb NOT NULL,
  amended_by  uuid NOT NULL REFERENCES users (id),
  amended_at  timestamptz NOT NULL DEFAULT now(),
  applied_at  timestamptz,
  -- Whether the amendment's workflow notifies the newly affected itself (the incident's own notice
  -- had been approved when it was applied), and the notice it drafted for them.
  delivers    boolean,
  notice_id   uuid REFERENCES notices (id),
  added       integer,
  grown       integer,
  removed     integer,
  PRIMARY KEY (incident_id, version),
  CHECK ((applied_at IS NULL) = (added IS NULL)),
  CHECK ((applied_at IS NULL) = (delivers IS NULL))
);

-- Down Migration
-- Forward-only.
