-- Up Migration
-- Filings that must come before the individuals hear (issue 15, item 5): Maryland's Attorney General
-- "prior to giving the notification" (Md. Code, Com. Law § 14-3504(h)), New Jersey's Division of State
-- Police "in advance of the disclosure to the customer" (N.J.S.A. 56:8-163(c)(1)). The incident workflow
-- holds delivery while such an obligation is open (core/use-cases/prior-filings.ts); compliance may let
-- delivery go ahead without it, with a recorded reason (a filing portal down the night before a
-- deadline for the people is the usual one). A table of its own rather than columns on `obligations`:
-- a re-assessment replaces the obligation rows, and the override must outlive that; it is keyed the way
-- a re-assessment carries an obligation over, by rule and jurisdiction.
CREATE TABLE prior_filing_overrides (
  incident_id   uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  rule_id       text NOT NULL,
  jurisdiction  text NOT NULL,
  reason        text NOT NULL,
  overridden_by uuid NOT NULL REFERENCES users (id),
  overridden_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (incident_id, rule_id, jurisdiction)
);

-- Down Migration
-- Forward-only.
