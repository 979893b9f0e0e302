-- Up Migration
-- Support finds a customer's cases across incidents by email: the customer's own address or, for a
-- deceased customer, the representative's (who received the notice). Both lookups need an index,
-- and so does going from a customer to their cases (the primary key starts with the incident).
CREATE INDEX customers_representative_email_idx ON customers (lower(representative_email))
  WHERE representative_email IS NOT NULL;
CREATE INDEX affected_customers_customer_idx ON affected_customers (customer_id);

-- Down Migration
-- Forward-only.
