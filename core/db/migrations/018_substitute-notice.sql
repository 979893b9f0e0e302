-- Up Migration
-- Substitute notice (issue 14, item 5; core/use-cases/substitute-notice.ts).
--
-- Where a statute's conditions hold (cost or number over its figures, or people without sufficient
-- contact details), the law asks for notice by other means: e-mail where known, a website posting for
-- a period, notice to the media, a toll-free line (HIPAA), a letter to the attorney general (Arizona).
--
-- Why tables of their own and not more rows in `obligations`:
-- - `obligations` is the law engine's assessment, replaced wholesale on re-assessment (old rows
--   superseded, new ones drafted from the rules and the affected counts). A substitute notice depends
--   on facts that only exist later — who turned out unreachable, what notice would cost — so it is
--   reviewed again whenever reach changes, and must not vanish when an officer re-assesses.
-- - It has several elements, each with its own dates and evidence (a posting's start and end, a
--   line's period, the outlet and day of a media notice), which one due time and one `met_at` cannot
--   hold. The obligation it belongs to stays the individuals' one (`rule_id`, `jurisdiction`): that
--   obligation is met only when everyone is reached or covered by a carried-out substitute notice
--   (core/use-cases/reach.ts), so its deadline and reminders keep watching it.
-- - Each element is recorded once, by the system (the website posting, when its text is approved;
--   e-mail, when every known address was sent to) or by compliance (media, toll-free line, letter).

-- The texts of a substitute notice are notices too, drafted from template snapshots and approved
-- four-eyes through approval_decisions, under their own audience (core/domain/substitute-notice.ts).
ALTER TABLE notices
  ADD CONSTRAINT notices_audience_check
  CHECK (audience IN ('individuals', 'substitute_website', 'substitute_media'));

-- One per incident, individuals' rule and jurisdiction whose conditions held at a review.
CREATE TABLE substitute_notices (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id    uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  rule_id        text NOT NULL,
  jurisdiction   text NOT NULL,
  citation       text NOT NULL,
  -- Which tier of the rule's provision applies (HIPAA: 10 or more unreachable, or fewer).
  tier           integer NOT NULL,
  reasons        text[] NOT NULL CHECK (reasons <@ ARRAY['cost', 'number', 'insufficient_contact']::text[]),
  -- The facts the conditions were tested against at the last review (counts only, no people).
  residents      integer NOT NULL,
  unreachable    integer NOT NULL,
  estimated_cost_usd numeric(14, 2) NOT NULL,
  uncertain      text,
  status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'carried_out', 'withdrawn')),
  reviewed_at    timestamptz NOT NULL DEFAULT now(),
  carried_out_at timestamptz,
  UNIQUE (incident_id, rule_id, jurisdiction)
);

-- What a substitute notice consists of, one row per element, each recorded once.
CREATE TABLE substitute_notice_elements (
  substitute_notice_id uuid NOT NULL REFERENCES substitute_notices (id) ON DELETE CASCADE,
  kind         text NOT NULL
               CHECK (kind IN ('email', 'website', 'media', 'toll_free', 'alternative', 'regulator_letter')),
  -- Elements sharing a number are alternatives: any one recorded satisfies them (HIPAA: website or media).
  choice       integer,
  -- How long it must last (posting, toll-free line), and the statute's words.
  min_days     integer,
  wording      text NOT NULL,
  -- The period it ran or runs: starts_at when recorded; ends_at = starts_at + min_days.
  starts_at    timestamptz,
  ends_at      timestamptz,
  recorded_at  timestamptz,
  -- null: recorded by the system.
  recorded_by  uuid REFERENCES users (id),
  -- The outlet, the phone number, the address the letter went to, or 'website'/'email'.
  channel      text,
  evidence     text,
  -- The approved text it carried (website, media), when it has one.
  notice_id    uuid REFERENCES notices (id),
  PRIMARY KEY (substitute_notice_id, kind)
);

-- The public page of an incident's website posting, /incident-notice/<public_id>: one per incident,
-- whatever the rules asking for it, served from starts_at until ends_at (the longest period any of
-- them asks), showing the latest approved website text. The id is random: the company links to it
-- from its home page; nothing on it names a person.
CREATE TABLE substitute_postings (
  incident_id uuid PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
  public_id   text NOT NULL UNIQUE,
  notice_id   uuid REFERENCES notices (id),
  starts_at   timestamptz,
  ends_at     timestamptz
);

-- Down Migration
-- Forward-only.
