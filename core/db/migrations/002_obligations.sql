-- Up Migration
-- Legal obligations per incident, frozen under the rules version they were assessed with, and the
-- standard notices compliance may pre-approve for the deadline cut-off.

ALTER TABLE incidents
  ADD COLUMN rules_version text,
  ADD COLUMN materiality_determined_at timestamptz;

CREATE TABLE obligations (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id    uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  rule_id        text NOT NULL,
  jurisdiction   text NOT NULL,
  audience       text NOT NULL CHECK (audience IN ('individuals', 'regulator', 'consumer_reporting_agencies', 'media')),
  regime         text NOT NULL,
  citation       text NOT NULL,
  deadline_text  text NOT NULL,
  legal_due_at   timestamptz,
  -- The working deadline: the law's, or the company's stricter promise to individuals.
  due_at         timestamptz,
  status         text NOT NULL CHECK (status IN ('pending', 'met', 'overdue', 'not_required')),
  reason         text,
  affected_count integer NOT NULL,
  uncertain      text,
  rules_version  text NOT NULL,
  met_at         timestamptz,
  -- A recorded reason for a delay, e.g. a law-enforcement hold.
  delay_reason   text,
  assessed_at    timestamptz NOT NULL DEFAULT now(),
  -- A re-assessment supersedes the previous rows instead of rewriting them.
  superseded_at  timestamptz
);
CREATE UNIQUE INDEX obligations_current_idx ON obligations (incident_id, rule_id, jurisdiction) WHERE superseded_at IS NULL;

CREATE TABLE preapproved_notices (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  template_version text NOT NULL REFERENCES template_snapshots (version),
  content          jsonb NOT NULL,
  content_hash     text NOT NULL,
  approved_by      uuid NOT NULL REFERENCES users (id),
  approved_at      timestamptz NOT NULL DEFAULT now(),
  retired_at       timestamptz
);

-- A notice sent at the cut-off records which pre-approval it came from.
ALTER TABLE notices ADD COLUMN preapproved_notice_id uuid REFERENCES preapproved_notices (id);

-- Down Migration
-- Forward-only.
