-- Up Migration
-- Bounces (issue 14 item 4). A relay's 250 is not delivery: a bounce can come back to the message's
-- return path (core/delivery/return-path.ts) minutes or days later. A delivery it reports failed
-- becomes `bounced` (core/domain/model.ts DELIVERY_STATUSES), and its person is re-opened for a
-- letter or falls to substitute notice (core/use-cases/bounces.ts). Each report itself is recorded
-- in the audit trail; the row keeps when the bounce and a complaint came.
ALTER TABLE deliveries
  DROP CONSTRAINT deliveries_status_check,
  ADD CONSTRAINT deliveries_status_check
    CHECK (status IN ('claimed', 'sending', 'sent', 'retrying', 'undeliverable', 'bounced')),
  -- When the bounce that made it `bounced` was recorded (its status code and diagnostic are in last_reply).
  ADD COLUMN bounced_at timestamptz,
  -- When the person's mailbox reported the notice as spam (RFC 5965 feedback report): they were
  -- reached, so nothing else changes; kept for the support view and the sender's reputation.
  ADD COLUMN complained_at timestamptz,
  ADD CONSTRAINT deliveries_bounced_check CHECK ((status = 'bounced') = (bounced_at IS NOT NULL));

-- Bounced deliveries are listed with the undeliverable ones (core/db/deliveries.ts listUndeliverable).
CREATE INDEX deliveries_bounced_idx ON deliveries (incident_id, customer_id) WHERE status = 'bounced';

-- The reason a bounced person's channel changes, `email_bounced`, is allowed by migration 016's
-- channel_reason CHECK (written with the letters' `letter_returned`, so that one constraint lists them).

-- Down Migration
-- Forward-only.
