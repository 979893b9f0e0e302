-- Up Migration
-- Retention after closure (issue 17 item 6; core/use-cases/retention.ts, core/domain/retention.ts).
--
-- An incident's personal data is kept for its retention period after the incident closes (the
-- longest of the company's configured period and any law's, core/domain/retention.ts), then
-- purged: its people's rows (affected records with their frozen contact copies and page tokens,
-- deliveries, letters, remediation codes, questions, mailing recipients) are deleted, its letter
-- files removed from disk, and the personal values its audit trail holds are crypto-shredded. What
-- stays is personal-data-free evidence: counts, hashes and the audit chain, which still verifies.

-- The audit trail is append-only and hash-chained (migration 007): a row can never be rewritten,
-- so the few entries that must quote a person (a corrected recipient's before and after, an
-- inventory change, a bounce's diagnostic) carry those values sealed with the incident's own key
-- (AES-256-GCM, core/audit/sealed.ts), and the chain covers the ciphertext. The purge destroys the
-- key: the entries stay, verify, and say nothing about anyone. A row with a null key is a destroyed
-- key; it stays so that nothing seals under a new key afterwards.
CREATE TABLE incident_keys (
  incident_id  uuid PRIMARY KEY REFERENCES incidents (id),
  key          bytea CHECK (key IS NULL OR octet_length(key) = 32),
  created_at   timestamptz NOT NULL DEFAULT now(),
  destroyed_at timestamptz,
  CONSTRAINT incident_keys_destroyed_check CHECK ((key IS NULL) = (destroyed_at IS NOT NULL))
);

-- One row per purged incident: written in the purge's transaction with its audit entry, so an
-- incident is purged exactly once. `counts` and `delivery_summary` are what the evidence dossier
-- shows afterwards in place of the people (core/use-cases/dossier.ts); `erased_sha256` is the
-- SHA-256 of the erased rows as they were (core/db/retention.ts `erasedDigest`), so a copy kept
-- elsewhere (a dossier exported before) can be matched to what was erased without keeping it here.
CREATE TABLE incident_purges (
  incident_id      uuid PRIMARY KEY REFERENCES incidents (id),
  -- When the incident closed and how long it was kept: the period's basis as applied (citations).
  closed_at        timestamptz NOT NULL,
  retain_until     timestamptz NOT NULL,
  basis            jsonb NOT NULL,
  purged_at        timestamptz NOT NULL DEFAULT now(),
  purged_by        text NOT NULL,
  counts           jsonb NOT NULL,
  delivery_summary jsonb NOT NULL,
  erased_sha256    text NOT NULL CHECK (erased_sha256 ~ '^[0-9a-f]{64}$'),
  -- Set once the incident's files are gone from disk (after the commit: a purge that stopped in
  -- between removes them when run again).
  files_removed_at timestamptz,
  CHECK (retain_until >= closed_at),
  CHECK (purged_at >= retain_until)
);

-- Down Migration
-- Forward-only.
