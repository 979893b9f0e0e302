-- Up Migration
-- When the company made an extortion (ransom) payment in connection with the incident (23 NYCRR
-- 500.17(c): notice to the superintendent within 24 hours of the payment, and a written explanation
-- within 30 days). Null until compliance records it through a re-assessment (core/use-cases/
-- obligations.ts `reassessIncident`, audited with the facts before and after); the law engine's
-- rules with `onlyWhen: 'extortion_payment'` apply only once it is set, their deadlines counted from it.
ALTER TABLE incidents ADD COLUMN extortion_paid_at timestamptz;

-- When a law-enforcement hold ends by itself: a hold requested orally may delay HIPAA notice for no
-- more than 30 days from the oral statement unless a written statement follows (45 CFR 164.412(b);
-- core/law/delays.ts `oralRequestMaxDays`). Null for a written request, or where the law sets no such
-- limit: the hold then lasts until lifted. The deadline watch lifts the hold at this time (core/use-
-- cases/obligations.ts, event `hold_ends`), the deadline moving on by exactly the time held.
ALTER TABLE obligations ADD COLUMN held_until timestamptz,
  ADD CONSTRAINT obligations_held_until_check CHECK (held_until IS NULL OR held_since IS NOT NULL);

-- Down Migration
-- Forward-only.
