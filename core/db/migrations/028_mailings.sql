-- Up Migration
-- Further mailings (issue 17 items 1 and 3; core/use-cases/mailings.ts, core/delivery/mailing-pass.ts).
--
-- After the first notice an incident may send one approved notice to a set of its people again: a
-- supplement to those whose exposure grew after an amendment, a reminder to those who have not
-- acknowledged, an update to everyone notified. Each is a `mailing`: the approved notice it sends
-- (a notice of audience `follow_up`, its subject naming the mailing's kind and key), the criterion
-- its recipients were selected by, and one `mailing_deliveries` row per recipient, written when the
-- mailing is created. The set is fixed then; a reminder's pass still skips anyone who acknowledged
-- or opted out since (core/db/mailings.ts `openPage`, `skip`).
--
-- Why a table of its own and not more rows in `deliveries`: `deliveries` is one row per (incident,
-- customer), the first notice, and its status is the person's reach (bounces, letters, the
-- individuals' obligations read it). A reminder is a second message to the same person; its unique
-- key is (mailing, customer).

-- Follow-up texts are notices too, drafted from a template snapshot and approved four-eyes through
-- approval_decisions, under their own audience; `subject` is '<kind>:<key>' (core/domain/mailings.ts).
ALTER TABLE notices DROP CONSTRAINT notices_audience_check;
ALTER TABLE notices
  ADD CONSTRAINT notices_audience_check
  CHECK (audience IN ('individuals', 'substitute_website', 'substitute_media', 'filing_packet', 'follow_up'));
ALTER TABLE notices DROP CONSTRAINT notices_subject_check;
ALTER TABLE notices
  ADD CONSTRAINT notices_subject_check
  CHECK ((audience IN ('filing_packet', 'follow_up')) = (subject <> ''));

CREATE TABLE mailings (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id   uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  kind          text NOT NULL CHECK (kind IN ('supplement', 'reminder', 'update')),
  -- The business key the workflow gives it ('reminder-1', an amendment's version…): one mailing per
  -- (incident, kind, key), so a retried creation finds the one it made.
  key           text NOT NULL CHECK (key ~ '^[A-Za-z0-9._-]{1,64}$'),
  notice_id     uuid NOT NULL REFERENCES notices (id),
  criterion     text NOT NULL CHECK (criterion IN ('unacknowledged', 'notified', 'listed')),
  -- For `listed`: the list in mailing_list_members the recipients were taken from.
  list_key      text,
  status        text NOT NULL DEFAULT 'sending' CHECK (status IN ('sending', 'finished', 'cancelled')),
  -- Counts only: how many were selected, and, when finished, how many were sent or not delivered.
  recipients    integer NOT NULL,
  sent          integer,
  undeliverable integer,
  created_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  UNIQUE (incident_id, kind, key),
  CHECK ((criterion = 'listed') = (list_key IS NOT NULL)),
  CHECK ((status = 'sending') = (finished_at IS NULL))
);
CREATE INDEX mailings_incident_idx ON mailings (incident_id, created_at);

-- An explicit set of an incident's people (the amendment's diff: those whose exposure grew),
-- written in the transaction that computes it and read by a `listed` mailing's creation: the ids
-- never pass through a workflow history.
CREATE TABLE mailing_list_members (
  incident_id uuid NOT NULL,
  list_key    text NOT NULL,
  customer_id bigint NOT NULL,
  PRIMARY KEY (incident_id, list_key, customer_id),
  FOREIGN KEY (incident_id, customer_id) REFERENCES affected_customers (incident_id, customer_id) ON DELETE CASCADE
);

-- One per mailing and person: the guard against sending anyone a mailing twice. `selected` until a
-- pass claims it; then as deliveries (core/domain/model.ts MAILING_DELIVERY_STATUSES): the commit
-- point is `sending`, written before the final "." of the message (core/delivery/shard-pass.ts).
-- `skipped`: between selection and sending the person acknowledged, asked not to be reminded, or
-- their address proved bad; nothing was sent.
CREATE TABLE mailing_deliveries (
  id           bigserial PRIMARY KEY,
  mailing_id   uuid NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
  incident_id  uuid NOT NULL,
  customer_id  bigint NOT NULL,
  status       text NOT NULL DEFAULT 'selected'
               CHECK (status IN ('selected', 'claimed', 'sending', 'sent', 'retrying', 'undeliverable', 'skipped')),
  lease        uuid,
  -- Written with the claim: the address it goes to and its stable Message-ID.
  recipient    text,
  message_id   text UNIQUE,
  -- SHA-256 of the rendered subject, text and HTML, written with the commit point.
  content_hash text,
  attempts     integer NOT NULL DEFAULT 0,
  last_reply   text,
  claimed_at   timestamptz,
  sent_at      timestamptz,
  UNIQUE (mailing_id, customer_id),
  FOREIGN KEY (incident_id, customer_id) REFERENCES affected_customers (incident_id, customer_id) ON DELETE CASCADE
);
-- Passes read a shard's people still to send by keyset: (mailing, customer) in order, few statuses.
CREATE INDEX mailing_deliveries_open_idx ON mailing_deliveries (mailing_id, customer_id)
  WHERE status IN ('selected', 'claimed', 'retrying', 'sending');
CREATE INDEX mailing_deliveries_customer_idx ON mailing_deliveries (incident_id, customer_id);

-- A person who asked on their page not to be reminded (core/use-cases/customer-page.ts): no
-- reminder selects them, nor sends to them once they ask. Updates and supplements still go.
ALTER TABLE affected_customers ADD COLUMN reminders_opted_out_at timestamptz;

-- Down Migration
-- Forward-only.
