-- Up Migration
-- Delivery at scale (see core/delivery/shard-pass.ts and bench/README.md).

-- The attempt that holds a delivery's claim. A later attempt (a retried activity after a crash or a
-- timeout) takes the claim over; the earlier one, should it still be alive, then fails to mark its
-- message `sending` and never completes it. Rows past the commit point (`sending`) are never taken.
ALTER TABLE deliveries ADD COLUMN lease uuid;

-- The current sending rate and the forecast of the last notice read the last minute of sent_at.
CREATE INDEX deliveries_sent_at_idx ON deliveries (incident_id, sent_at) WHERE sent_at IS NOT NULL;

-- (incident_id, status) over every row lured the planner away from the primary key for the
-- per-message writes (`WHERE id = ANY(...) AND status IN (...)`) whenever the statistics had not
-- yet seen the incident: a scan of the whole incident for each batch of 50. The only readers by
-- status want the two small sets below.
DROP INDEX deliveries_status_idx;
CREATE INDEX deliveries_retrying_idx ON deliveries (incident_id) WHERE status = 'retrying';
CREATE INDEX deliveries_undeliverable_idx ON deliveries (incident_id, customer_id) WHERE status = 'undeliverable';

-- Down Migration
-- Forward-only.
