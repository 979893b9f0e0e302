-- Up Migration
-- One notice per person (see core/db/affected.ts): records of one incident that share their own
-- email address (trimmed, case-insensitive) are one person. The record with the lowest customer id
-- receives the notice, with the union of what was exposed; the others are `merged` into it and never
-- delivered to on their own. They keep their own categories and jurisdiction for the legal counts.
ALTER TABLE affected_customers
  ADD COLUMN merged_into bigint,
  -- On a recipient whose merged records are in other jurisdictions: all of them, its own included.
  -- Its notice meets the content rules of each (a Texan record and a Californian one: the California
  -- format too). Null otherwise: the notice follows `jurisdiction`.
  ADD COLUMN notice_jurisdictions text[],
  DROP CONSTRAINT affected_customers_status_check,
  ADD CONSTRAINT affected_customers_status_check
    CHECK (status IN ('pending', 'notified', 'undeliverable', 'manual', 'merged')),
  ADD CONSTRAINT affected_customers_merged_check
    CHECK ((status = 'merged') = (merged_into IS NOT NULL) AND merged_into IS DISTINCT FROM customer_id);
-- No foreign key from (incident_id, merged_into) to the recipient's row: its check trigger would run
-- for every row identification inserts (~5 % of the statement) to guard a column only that
-- statement writes, in the same statement as the row it names (test/core/db/affected.test.ts).

-- From a recipient to the records merged into it (support shows them with the case). Only merged
-- rows are indexed, so identification's inserts of everyone else cost nothing more.
CREATE INDEX affected_customers_merged_idx ON affected_customers (incident_id, merged_into)
  WHERE merged_into IS NOT NULL;

-- Down Migration
-- Forward-only.
