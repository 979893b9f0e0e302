-- Customer page tokens are no longer stored (#13 item 9). A record holds a random value
-- (page_seed); the token emailed is HMAC-SHA256 of it under PAGE_TOKEN_KEY, computed by the
-- application (core/delivery/page-token.ts), and the record holds that token's SHA-256
-- (page_token_hash), which a request is looked up by. The hash is written when the notice is
-- first sent, with the date the link stops working (page_expires_at, PAGE_TOKEN_DAYS after).
ALTER TABLE affected_customers
  ADD COLUMN page_seed text,
  ADD COLUMN page_token_hash text,
  ADD COLUMN page_expires_at timestamptz;

-- Links already emailed (the delivery reached the commit point) keep working: their raw token is
-- hashed in place; they have no random value, and expire 400 days (PAGE_TOKEN_DAYS' default) after
-- they were sent.
UPDATE affected_customers a
SET page_token_hash = encode(sha256(convert_to(a.page_token, 'UTF8')), 'hex'),
    page_expires_at = coalesce(d.sent_at, now()) + interval '400 days'
FROM deliveries d
WHERE d.incident_id = a.incident_id AND d.customer_id = a.customer_id AND d.status IN ('sending', 'sent');

-- Every other record's token was never emailed: it gets a random value, and its hash is written
-- when its notice goes out.
UPDATE affected_customers
SET page_seed = replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')
WHERE page_token_hash IS NULL;

ALTER TABLE affected_customers
  DROP COLUMN page_token,
  ADD CONSTRAINT affected_customers_page_token_check
    CHECK (page_seed IS NOT NULL OR page_token_hash IS NOT NULL);
CREATE UNIQUE INDEX affected_customers_page_token_hash_idx ON affected_customers (page_token_hash);
