-- When the incident's workflow was first started. An incident stays recorded when its workflow
-- cannot be started at once (Temporal unreachable): a logged exposure is never deleted, and the
-- API's workflow starter starts every incident still without a start here.
ALTER TABLE incidents ADD COLUMN workflow_started_at timestamptz;
UPDATE incidents SET workflow_started_at = created_at;
CREATE INDEX incidents_unstarted_idx ON incidents (created_at) WHERE workflow_started_at IS NULL;
