-- Up Migration
-- Withdrawing an incident (issue 17, item 2): a false alarm or a duplicate is withdrawn through a
-- determination of kind `incident_withdrawal` (core/domain/determinations.ts), proposed by one
-- compliance user and approved by a second. Its approval re-assesses the incident with every
-- obligation not required (the reason kept), stamps `withdrawn_at` and signals the workflow, which
-- stops its timers and sends nothing more; delivery already under way stops at once
-- (activities/index.ts `deliverBatch` watches `withdrawn_at`). The rows of everything that happened
-- stay: the trail keeps it all.
ALTER TABLE determinations DROP CONSTRAINT determinations_kind_check;
ALTER TABLE determinations
  ADD CONSTRAINT determinations_kind_check
  CHECK (kind IN ('no_risk_of_harm', 'lead_supervisory_authority', 'exemption', 'safe_harbour',
                  'law_enforcement_request', 'incident_withdrawal'));

ALTER TABLE incidents ADD COLUMN withdrawn_at timestamptz;

-- Down Migration
-- Forward-only.
