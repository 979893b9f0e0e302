-- Up Migration
-- Determinations (issue 15, item 4; core/use-cases/determinations.ts): a judgement the law leaves to
-- compliance — no risk of harm (with the facts that support it), the lead supervisory authority under
-- GDPR Art. 56, an exemption or a safe harbour, a law-enforcement request to delay — proposed by one
-- compliance user and approved or rejected by a second (never the proposer, never the incident's
-- opener). The kinds and statuses are core/domain/determinations.ts's, restated here.
--
-- Why a table of its own and not a column on `obligations`: obligations are the law engine's output,
-- replaced wholesale (superseded) on every re-assessment; a determination is an input to it that
-- must outlive each re-assessment (core/law `assessObligations` reads the approved ones through
-- core/db/determinations.ts `approvedFacts` and sets what they cover to not required, with the reason
-- kept on the obligation). Rows are never deleted: a rejected or withdrawn one stays as the record.
CREATE TABLE determinations (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id       uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  kind              text NOT NULL CHECK (kind IN ('no_risk_of_harm', 'lead_supervisory_authority', 'exemption',
                                                  'safe_harbour', 'law_enforcement_request')),
  status            text NOT NULL DEFAULT 'proposed'
                    CHECK (status IN ('proposed', 'approved', 'rejected', 'withdrawn')),
  -- The scope: rule ids (empty: every rule of `jurisdictions`) and jurisdictions (both empty: the
  -- whole incident). `obligation_ids` keeps the obligations the proposer named, when they named some
  -- (the scope was derived from them); they may be superseded later, the rule ids stay meaningful.
  rule_ids          text[] NOT NULL DEFAULT '{}',
  jurisdictions     text[] NOT NULL DEFAULT '{}',
  obligation_ids    uuid[] NOT NULL DEFAULT '{}',
  -- The member state whose supervisory authority leads (GDPR Art. 56), only for that kind.
  lead_jurisdiction text,
  -- law_enforcement_request: how the agency asked (45 CFR 164.412(b) limits an oral request to 30 days);
  -- its approval places the incident's hold with these terms (core/use-cases/obligations.ts).
  request_form      text CHECK (request_form IN ('written', 'oral')),
  reason            text NOT NULL,
  -- The facts that support it (a forensic finding, the encryption and where the key was), each a line.
  facts             text[] NOT NULL DEFAULT '{}',
  proposed_by       uuid NOT NULL REFERENCES users (id),
  proposed_at       timestamptz NOT NULL DEFAULT now(),
  decided_by        uuid REFERENCES users (id),
  decided_at        timestamptz,
  decision_comment  text,
  withdrawn_by      uuid REFERENCES users (id),
  withdrawn_at      timestamptz,
  withdrawal_reason text,
  CONSTRAINT determinations_lead_check
    CHECK ((kind = 'lead_supervisory_authority') = (lead_jurisdiction IS NOT NULL)),
  -- Four eyes, restated where no code path can skip it.
  CONSTRAINT determinations_request_form_kind_check
    CHECK ((kind = 'law_enforcement_request') = (request_form IS NOT NULL)),
  CONSTRAINT determinations_second_person_check CHECK (decided_by IS NULL OR decided_by <> proposed_by),
  CONSTRAINT determinations_decided_check
    CHECK ((status = 'proposed') = (decided_by IS NULL) OR status = 'withdrawn'),
  CONSTRAINT determinations_withdrawn_check CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL))
);
CREATE INDEX determinations_incident_idx ON determinations (incident_id, proposed_at);

-- Down Migration
-- Forward-only.
