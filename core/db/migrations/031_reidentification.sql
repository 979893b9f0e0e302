-- Up Migration
-- Re-identification after an amendment (issue 17, item 1; core/db/reidentify.ts): the incident's
-- people found again from the amended facts, compared with those found before. Each record says
-- which version it came in with, which version widened what was exposed of it (and what its notice
-- had said before), and which version found it no longer affected. A person no longer affected who
-- was not told yet is `not_affected`: never sent a notice, not counted by the law engine; one who
-- was told keeps their status (they were told) but is no longer counted either.
ALTER TABLE affected_customers
  ADD COLUMN added_in_version integer,
  ADD COLUMN grown_in_version integer,
  ADD COLUMN previous_categories text[],
  ADD COLUMN removed_in_version integer,
  DROP CONSTRAINT affected_customers_status_check,
  ADD CONSTRAINT affected_customers_status_check
    CHECK (status IN ('pending', 'notified', 'undeliverable', 'manual', 'merged', 'not_affected')),
  ADD CONSTRAINT affected_customers_not_affected_check
    CHECK (status <> 'not_affected' OR removed_in_version IS NOT NULL);

-- Down Migration
-- Forward-only.
