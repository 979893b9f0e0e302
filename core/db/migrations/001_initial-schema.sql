-- Up Migration
-- The inventory (customers, holdings), incidents and everything the notification workflow records.
-- Status vocabularies mirror core/domain/model.ts (test/core/db/status-sets.test.ts holds the two together).

CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email         text NOT NULL UNIQUE,
  display_name  text NOT NULL,
  role          text NOT NULL CHECK (role IN ('officer', 'compliance', 'support', 'admin')),
  -- sha256 of the bearer token: a database leak does not leak working tokens.
  token_hash    text NOT NULL UNIQUE,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customers (
  id                    bigserial PRIMARY KEY,
  external_id           text NOT NULL UNIQUE,
  full_name             text NOT NULL,
  email                 text NOT NULL,
  locale                text NOT NULL DEFAULT 'en',
  country               char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  region                text CHECK (region ~ '^[A-Z]{2}-[A-Z0-9]{1,3}$'),
  status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deceased', 'closed')),
  representative_name   text,
  representative_email text,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_email_idx ON customers (lower(email));

-- Which system holds which categories of a customer's data, and over which period.
CREATE TABLE holdings (
  id                 bigserial PRIMARY KEY,
  customer_id        bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  system             text NOT NULL,
  categories         text[] NOT NULL CHECK (cardinality(categories) > 0),
  held_from          timestamptz NOT NULL DEFAULT '-infinity',
  held_to            timestamptz,
  -- e.g. {"payment_card": "4242"}: the last digits a notice may show, never a full identifier.
  masked_identifiers jsonb NOT NULL DEFAULT '{}',
  UNIQUE (customer_id, system, held_from),
  CHECK (held_to IS NULL OR held_to >= held_from)
);
-- Identification filters by system and period, then by category overlap.
CREATE INDEX holdings_system_customer_idx ON holdings (system, customer_id) INCLUDE (categories, held_from, held_to);

CREATE TABLE incidents (
  id                   uuid PRIMARY KEY,
  title                text NOT NULL,
  description          text NOT NULL,
  discovered_at        timestamptz NOT NULL,
  occurred_from        timestamptz,
  occurred_to          timestamptz,
  systems              text[] NOT NULL,
  data_categories      text[] NOT NULL,
  encrypted            boolean NOT NULL DEFAULT false,
  key_compromised      boolean NOT NULL DEFAULT false,
  customer_external_ids text[],
  status               text NOT NULL DEFAULT 'identifying',
  opened_by            uuid NOT NULL REFERENCES users (id),
  -- A repeated POST with the same Idempotency-Key returns this incident instead of opening another.
  idempotency_key      text UNIQUE,
  workflow_id          text NOT NULL UNIQUE,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CHECK (occurred_to IS NULL OR occurred_from IS NULL OR occurred_to >= occurred_from)
);
CREATE INDEX incidents_created_idx ON incidents (created_at DESC);

-- Reference codes are short, sequential and checkable by support staff; the page token is the secret.
CREATE SEQUENCE affected_reference_seq;

CREATE TABLE affected_customers (
  incident_id    uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  customer_id    bigint NOT NULL REFERENCES customers (id),
  categories     text[] NOT NULL,
  -- Masked identifiers (e.g. {"payment_card": "4242"}) of the exposed holdings, for the notice.
  masked_identifiers jsonb NOT NULL DEFAULT '{}',
  -- The customer's jurisdiction when identified (region if known, else country): what the law engine counts.
  jurisdiction   text NOT NULL,
  status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'notified', 'undeliverable', 'manual')),
  reference_code text NOT NULL UNIQUE,
  page_token     text NOT NULL UNIQUE,
  acknowledged_at timestamptz,
  identified_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (incident_id, customer_id)
);
CREATE INDEX affected_customers_status_idx ON affected_customers (incident_id, status, customer_id);

CREATE TABLE notices (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id      uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  version          integer NOT NULL,
  audience         text NOT NULL DEFAULT 'individuals',
  status           text NOT NULL DEFAULT 'pending_approval'
                   CHECK (status IN ('pending_approval', 'approved', 'rejected', 'superseded')),
  -- What the officer wrote for customers plus the company details, frozen at drafting (no personal data).
  content          jsonb NOT NULL,
  -- The template sources it renders with (template_snapshots.version), so later edits change nothing.
  template_version text NOT NULL,
  -- sha256 over template_version and content: what compliance approved is what is sent.
  content_hash     text NOT NULL,
  drafted_at       timestamptz NOT NULL DEFAULT now(),
  decided_by       uuid REFERENCES users (id),
  decided_at       timestamptz,
  decision_comment text,
  UNIQUE (incident_id, audience, version)
);

-- Template sources by content hash. Notices render from a snapshot, never from files on disk.
CREATE TABLE template_snapshots (
  version    text PRIMARY KEY,
  sources    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE notices ADD FOREIGN KEY (template_version) REFERENCES template_snapshots (version);

-- One row per incident and customer, claimed before anything is sent: the guard against double sends.
CREATE TABLE deliveries (
  id           bigserial PRIMARY KEY,
  incident_id  uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  customer_id  bigint NOT NULL REFERENCES customers (id),
  notice_id    uuid NOT NULL REFERENCES notices (id),
  message_id   text NOT NULL UNIQUE,
  recipient    text NOT NULL,
  status       text NOT NULL CHECK (status IN ('claimed', 'sending', 'sent', 'retrying', 'undeliverable')),
  attempts     integer NOT NULL DEFAULT 0,
  last_reply   text,
  claimed_at   timestamptz NOT NULL DEFAULT now(),
  sent_at      timestamptz,
  UNIQUE (incident_id, customer_id)
);
CREATE INDEX deliveries_status_idx ON deliveries (incident_id, status);

-- Append-only: an UPDATE or DELETE raises, so the trail can be shown to a regulator as it was written.
CREATE TABLE audit_events (
  id          bigserial PRIMARY KEY,
  incident_id uuid REFERENCES incidents (id),
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  action      text NOT NULL,
  detail      jsonb NOT NULL DEFAULT '{}',
  -- Makes a retried activity's write land once.
  dedupe_key  text UNIQUE
);
CREATE INDEX audit_events_incident_idx ON audit_events (incident_id, at);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- Down Migration
-- Forward-only: schema changes are new migrations.
