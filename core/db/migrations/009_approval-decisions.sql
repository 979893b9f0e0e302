-- Up Migration
-- Approvals that hold up (issue 13, items 1–3).
--
-- A decision is recorded by the API, for the person it authenticated, in one transaction with its
-- audit entry; the workflow's `approval` Update then carries only the decision's id, and an activity
-- checks the row before it counts (core/use-cases/notices.ts `applyDecision`). Someone who can reach
-- Temporal but not the database cannot make a row, so cannot approve as anyone.
CREATE TABLE approval_decisions (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id  uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  notice_id    uuid NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
  -- What the decider saw: a decision for other text (a newer version, a changed template) is refused.
  content_hash text NOT NULL,
  decision     text NOT NULL CHECK (decision IN ('approve', 'reject')),
  comment      text,
  decided_by   uuid NOT NULL REFERENCES users (id),
  decided_at   timestamptz NOT NULL DEFAULT now(),
  -- Set when the workflow has acted on it: a decision counts once.
  consumed_at  timestamptz,
  -- One decision per person per notice: a quorum of two needs two people.
  UNIQUE (notice_id, decided_by)
);
CREATE INDEX approval_decisions_notice_idx ON approval_decisions (notice_id) WHERE consumed_at IS NOT NULL;

-- Who wrote a notice's wording (null: drafted by the system from the incident). They may not approve it.
ALTER TABLE notices ADD COLUMN revised_by uuid REFERENCES users (id);

-- The standard notice needs a second compliance user's confirmation before it can be used.
ALTER TABLE preapproved_notices
  ADD COLUMN confirmed_by uuid REFERENCES users (id),
  ADD COLUMN confirmed_at timestamptz,
  ADD CONSTRAINT preapproved_notices_four_eyes CHECK (confirmed_by IS DISTINCT FROM approved_by);

-- An incident workflow terminated or reset outside Forthright (core/use-cases/workflow-integrity.ts):
-- Forthright itself never does either, so each finding is recorded once and shown on the incident.
CREATE TABLE workflow_tampering (
  incident_id  uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  run_id       text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('terminated', 'reset')),
  detected_at  timestamptz NOT NULL DEFAULT now(),
  happened_at  timestamptz,
  -- The Temporal identity and reason given (not personal data: a client name and free text).
  identity     text,
  reason       text,
  PRIMARY KEY (incident_id, run_id, kind)
);

-- Down Migration
-- Forward-only.
