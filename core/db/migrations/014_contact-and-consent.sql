-- Up Migration
-- Contact and consent in the inventory (issue 14): how else than by email a person can be reached,
-- whether they agreed to electronic notices, and who the company itself says a person is.

-- `email` becomes optional: a customer may be known only by a postal address, or by nothing at all
-- (then only a substitute notice reaches them). Every other field keeps its meaning.
--   person_key                 the company's own id of the person (a customer may hold several
--                              accounts, i.e. records, under one key): when two records both carry
--                              one, they are the same person exactly when the keys are equal.
--   phone                      as the company holds it (E.164 preferred, not enforced: informative).
--   postal_address             { lines: string[] (1–4), locality, region?, postalCode?, country: 'XX' }:
--                              what a letter's address block prints, structured so the country is known.
--   electronic_consent_at/_method
--                              when and how the person agreed to receive notices electronically
--                              (E-SIGN, 15 U.S.C. 7001(c); HIPAA 45 CFR 164.404(d)(1)(i)): both or neither.
ALTER TABLE customers
  ALTER COLUMN email DROP NOT NULL,
  ADD COLUMN person_key text,
  ADD COLUMN phone text,
  ADD COLUMN postal_address jsonb,
  ADD COLUMN electronic_consent_at timestamptz,
  ADD COLUMN electronic_consent_method text,
  ADD CONSTRAINT customers_person_key_check CHECK (btrim(person_key) <> ''),
  -- A missing key reads as NULL, which a CHECK lets through: hence the coalesce.
  ADD CONSTRAINT customers_postal_address_check CHECK (postal_address IS NULL OR coalesce(
    jsonb_typeof(postal_address) = 'object'
    AND CASE WHEN jsonb_typeof(postal_address -> 'lines') = 'array'
             THEN jsonb_array_length(postal_address -> 'lines') BETWEEN 1 AND 4 ELSE false END
    AND jsonb_typeof(postal_address -> 'locality') = 'string'
    AND (postal_address ->> 'country') ~ '^[A-Z]{2}$', false)),
  ADD CONSTRAINT customers_electronic_consent_check
    CHECK ((electronic_consent_at IS NULL) = (electronic_consent_method IS NULL));

-- The same four frozen on the affected record at identification (see core/db/affected.ts
-- FROZEN_RECIPIENT_COLUMNS): where a letter goes and whether email may replace it are what they
-- were when the person was identified, not what a later import says.
ALTER TABLE affected_customers
  ALTER COLUMN email DROP NOT NULL,
  ADD COLUMN postal_address jsonb,
  ADD COLUMN phone text,
  ADD COLUMN electronic_consent_at timestamptz,
  ADD COLUMN electronic_consent_method text,
  -- How the person was found: through an exposed system's holdings, on the incident's explicit
  -- list of customers, or both. People identified before this migration came from one or the other
  -- (the list, when there was one, replaced the systems): recorded as such.
  ADD COLUMN found_by text,
  ADD CONSTRAINT affected_customers_electronic_consent_check
    CHECK ((electronic_consent_at IS NULL) = (electronic_consent_method IS NULL));

UPDATE affected_customers a
SET found_by = CASE WHEN i.customer_external_ids IS NULL THEN 'system' ELSE 'list' END
FROM incidents i WHERE i.id = a.incident_id;

ALTER TABLE affected_customers
  ALTER COLUMN found_by SET NOT NULL,
  ADD CONSTRAINT affected_customers_found_by_check CHECK (found_by IN ('system', 'list', 'both'));

-- Down Migration
-- Forward-only.
