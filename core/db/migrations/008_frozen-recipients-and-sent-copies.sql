-- Up Migration
-- Frozen recipients and the copy of what was sent (see core/db/affected.ts, core/delivery/sent-copy.ts).

-- Who a person's notice is for and where it goes, frozen when the person is identified: delivery,
-- the customer page and support read these, never the live customer row, so an inventory import
-- during delivery cannot redirect a notice. Only `correctRecipient` (core/use-cases/recipients.ts)
-- changes them afterwards, audited with before and after.
ALTER TABLE affected_customers
  ADD COLUMN full_name            text,
  ADD COLUMN email                text,
  ADD COLUMN locale               text,
  ADD COLUMN country              char(2),
  ADD COLUMN region               text,
  ADD COLUMN customer_status      text,
  ADD COLUMN representative_name  text,
  ADD COLUMN representative_email text,
  -- Bumped by each correction. Delivery claims a person only at the version it rendered from (and
  -- holds a key-share lock on the row while it claims), so a correction and a claim never cross.
  ADD COLUMN recipient_version integer NOT NULL DEFAULT 0;

-- People identified before this migration: frozen as the inventory has them now.
UPDATE affected_customers a
SET full_name = c.full_name, email = c.email, locale = c.locale, country = c.country, region = c.region,
    customer_status = c.status, representative_name = c.representative_name,
    representative_email = c.representative_email
FROM customers c WHERE c.id = a.customer_id;

ALTER TABLE affected_customers
  ALTER COLUMN full_name SET NOT NULL,
  ALTER COLUMN email SET NOT NULL,
  ALTER COLUMN locale SET NOT NULL,
  ALTER COLUMN country SET NOT NULL,
  ALTER COLUMN customer_status SET NOT NULL,
  ADD CONSTRAINT affected_customers_customer_status_check
    CHECK (customer_status IN ('active', 'deceased', 'closed'));

-- What every notice of one approved version shares with the others of its variant at the moment it
-- was sent: the incident's facts, the content parts and authorities the law required, the time zone
-- and the page's base URL. Keyed by the SHA-256 of `context` exactly as stored (json, not jsonb, so
-- the text and its hash stay as written). A handful of rows per incident.
CREATE TABLE notice_send_contexts (
  hash       text PRIMARY KEY,
  notice_id  uuid NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
  context    json NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Written with the commit point (`sending`): the SHA-256 of the message's subject, text and HTML
-- (core/delivery/sent-copy.ts `noticeContentHash`) and the context it was rendered with. With the
-- notice's template snapshot and the person's frozen row they render the notice byte for byte
-- again; the hash proves it. No foreign key on send_context: its check would run for every message
-- on the commit point's path, for a row the same pass wrote before sending.
ALTER TABLE deliveries
  ADD COLUMN content_hash text,
  ADD COLUMN send_context text;

-- Down Migration
-- Forward-only.
