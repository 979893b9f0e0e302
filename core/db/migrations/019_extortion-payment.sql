-- Up Migration
-- When the company made an extortion (ransom) payment in connection with the incident (23 NYCRR
-- 500.17(c): notice to the superintendent within 24 hours of the payment, and a written explanation
-- within 30 days). Null until compliance records it through a re-assessment (core/use-cases/
-- obligations.ts `reassessIncident`, audited with the facts before and after); the law engine's
-- rules with `onlyWhen: 'extortion_payment'` apply only once it is set, their deadlines counted from it.
ALTER TABLE incidents ADD COLUMN extortion_paid_at timestamptz;

-- Down Migration
-- Forward-only.
