-- Up Migration
-- Printed letters for a mail house (issue 14 item 3; see core/letters/README.md).

-- One batch per letterBatchWorkflow run (its workflow id is the batch's key, so a retried or
-- restarted workflow opens the same batch). `letter_date` is the date printed on every letter and
-- the PDFs' creation date: fixed when the batch opens, so a file rendered again is byte for byte
-- the same file.
CREATE TABLE letter_batches (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id     uuid NOT NULL REFERENCES incidents (id),
  notice_id       uuid NOT NULL REFERENCES notices (id),
  batch_key       text NOT NULL,
  status          text NOT NULL DEFAULT 'rendering' CHECK (status IN ('rendering', 'ready', 'posted')),
  letter_date     timestamptz NOT NULL DEFAULT date_trunc('second', now()),
  letters         integer NOT NULL DEFAULT 0,
  files           integer NOT NULL DEFAULT 0,
  manifest_sha256 text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  ready_at        timestamptz,
  UNIQUE (incident_id, batch_key)
);
CREATE INDEX letter_batches_incident_idx ON letter_batches (incident_id, created_at);

-- One letter per person and approved notice: the unique constraint is the "exactly once". A row is
-- claimed (`queued`) when its batch opens, before anything is rendered, with its file and the
-- address it is printed to (frozen again here: the record of where the letter went).
CREATE TABLE letters (
  id            bigserial PRIMARY KEY,
  incident_id   uuid NOT NULL,
  customer_id   bigint NOT NULL,
  notice_id     uuid NOT NULL REFERENCES notices (id),
  batch_id      uuid NOT NULL REFERENCES letter_batches (id),
  file_no       integer NOT NULL,
  status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'rendered', 'posted', 'returned')),
  address       jsonb NOT NULL,
  pages         integer,
  first_page    integer,
  content_hash  text,
  posted_on     date,
  returned_at   timestamptz,
  return_reason text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT letters_once UNIQUE (incident_id, customer_id, notice_id),
  FOREIGN KEY (incident_id, customer_id) REFERENCES affected_customers (incident_id, customer_id)
);
-- A file's letters in print order (customer id), read by keyset.
CREATE INDEX letters_file_idx ON letters (batch_id, file_no, customer_id);

-- One row per rendered file: written after the file is on disk under its final name.
CREATE TABLE letter_files (
  batch_id    uuid NOT NULL REFERENCES letter_batches (id),
  file_no     integer NOT NULL,
  name        text NOT NULL,
  letters     integer NOT NULL,
  pages       integer NOT NULL,
  bytes       bigint NOT NULL,
  sha256      text NOT NULL,
  rendered_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (batch_id, file_no)
);

-- A person whose letter came back has no lawful channel left: channel `none`, reason
-- `letter_returned` (core/domain/model.ts NOTICE_CHANNEL_REASONS). The reasons of migration 015,
-- `email_bounced` (bounces, migration 017) and this one.
ALTER TABLE affected_customers
  DROP CONSTRAINT affected_customers_channel_reason_check,
  ADD CONSTRAINT affected_customers_channel_reason_check
    CHECK (channel_reason IN ('email_allowed', 'email_consented', 'representative_email', 'no_consent',
                              'no_email', 'no_contact', 'email_undeliverable', 'email_bounced',
                              'letter_returned'));

-- Down Migration
-- Forward-only.
