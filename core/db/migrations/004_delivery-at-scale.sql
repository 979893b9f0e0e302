-- Up Migration
-- Delivery at scale (see core/delivery.ts and bench/README.md).

-- The attempt that holds a delivery's claim. A later attempt (a retried activity after a crash or a
-- timeout) takes the claim over; the earlier one, should it still be alive, then fails to mark its
-- message `sending` and never completes it. Rows past the commit point (`sending`) are never taken.
ALTER TABLE deliveries ADD COLUMN lease uuid;

-- The current sending rate and the forecast of the last notice read the last minute of sent_at.
CREATE INDEX deliveries_sent_at_idx ON deliveries (incident_id, sent_at) WHERE sent_at IS NOT NULL;

-- Down Migration
-- Forward-only.
