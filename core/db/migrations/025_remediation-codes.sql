-- Up Migration
-- Remediation codes (issue 17, item 4): enrolment codes for credit monitoring or identity-theft
-- protection bought from a vendor, imported per incident as pools (one vendor CSV each), and one code
-- per eligible person, assigned in the same statement that claims their notice (core/db/deliveries.ts
-- `claim`, core/db/letters.ts `claimLetters`). Who is eligible is the law's word (the notice carries
-- `identity_theft_protection`: Connecticut, Delaware, Massachusetts, DC, California; core/law).

-- One product of a vendor file (a term, an enrolment deadline, where to enrol), for adults or for
-- minors (the vendor's minor product): a file listing several products is several pools, numbered
-- `part` in the file. The same file imported twice is the same pools (its SHA-256 and part).
CREATE TABLE remediation_code_pools (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id  uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  provider     text NOT NULL CHECK (btrim(provider) <> ''),
  product      text NOT NULL CHECK (btrim(product) <> ''),
  term_months  int NOT NULL CHECK (term_months BETWEEN 1 AND 120),
  enroll_by    date NOT NULL,
  enroll_url   text NOT NULL CHECK (enroll_url ~ '^https?://'),
  for_minors   boolean NOT NULL,
  codes        int NOT NULL CHECK (codes > 0),
  file_sha256  text NOT NULL,
  part         int NOT NULL CHECK (part >= 1),
  imported_by  text NOT NULL,
  imported_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT remediation_code_pools_file_once UNIQUE (incident_id, file_sha256, part)
);

-- One code: free until a claim gives it to one person. A vendor's code exists once (unique per
-- provider, whatever the incident or file), and a person holds at most one code per incident.
-- `incident_id`, `provider` and `for_minors` are the pool's, repeated so that a claim finds free
-- codes by one index and the uniqueness holds without a join.
CREATE TABLE remediation_codes (
  id           bigserial PRIMARY KEY,
  pool_id      uuid NOT NULL REFERENCES remediation_code_pools (id) ON DELETE CASCADE,
  incident_id  uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  provider     text NOT NULL,
  for_minors   boolean NOT NULL,
  code         text NOT NULL CHECK (btrim(code) <> '' AND length(code) <= 64),
  customer_id  bigint REFERENCES customers (id),
  assigned_at  timestamptz,
  CHECK ((customer_id IS NULL) = (assigned_at IS NULL)),
  CONSTRAINT remediation_code_once UNIQUE (provider, code),
  CONSTRAINT remediation_code_per_person UNIQUE (incident_id, customer_id)
);

-- The free codes of an incident, in the order they are handed out.
CREATE INDEX remediation_codes_free_idx ON remediation_codes (incident_id, for_minors, id) WHERE customer_id IS NULL;

-- An optional date of birth in the inventory: a person under 18 gets the vendor's minor product.
ALTER TABLE customers ADD COLUMN date_of_birth date;

-- Down Migration
-- Forward-only.
