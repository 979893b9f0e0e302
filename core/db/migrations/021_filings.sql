-- Up Migration
-- Filings: the proof that an authority, agency or the media was given its packet (issue 15 item 3;
-- core/use-cases/filings.ts, core/domain/filings.ts).
--
-- An obligation other than the individuals' is met only with proof: the approved packet sent by
-- email with the relay's answer kept, or filed by a person (portal, post, fax, other) with the
-- reference the authority gave and a receipt, stored here with its SHA-256. One row per filing of
-- one obligation, keyed the way a re-assessment carries an obligation over (rule and jurisdiction):
-- sequence 1 is the filing, 2, 3, … the supplements (GDPR Art. 33(4) phasing, corrections), each
-- of the packet version it carried. The unique key is what makes a filing exactly once.
CREATE TABLE filings (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id   uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  rule_id       text NOT NULL,
  jurisdiction  text NOT NULL,
  sequence      integer NOT NULL CHECK (sequence >= 1),
  -- The approved packet version filed, and its content hash (what the approvers approved).
  packet_id     uuid NOT NULL REFERENCES notices (id),
  packet_hash   text NOT NULL,
  channel       text NOT NULL CHECK (channel IN ('email', 'portal', 'post', 'fax', 'other')),
  status        text NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'recorded')),
  -- When the authority got it: the relay's acceptance, or the time the person filed.
  filed_at      timestamptz,
  -- The authority's reference number (recorded filings; an email has its Message-ID).
  reference     text,
  -- Who asked for the email or recorded the filing; null: the system.
  recorded_by   uuid REFERENCES users (id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  -- Email: the authority's address, the stable Message-ID, how many times it was handed to the relay.
  recipient     text,
  message_id    text,
  attempts      integer NOT NULL DEFAULT 0,
  -- The attempt that passed the commit point: only it records the relay's answer, even one that
  -- arrives after a later attempt marked the message uncertain.
  lease         uuid,
  -- When the relay held the whole message (the commit point, core/mail/smtp-pool.ts): from then on
  -- it is never sent again blind.
  committed_at  timestamptz,
  -- The message exactly as handed to the relay (RFC 5322), and its SHA-256.
  message       bytea,
  message_sha256 text,
  -- The relay's last answer (250 … for `sent`; the refusal or the lost connection for `failed`).
  relay_response text,
  -- Failed without an answer after the commit point: the message may have arrived.
  uncertain     boolean NOT NULL DEFAULT false,
  -- Recorded filings: the receipt the authority gave (a portal's confirmation, a postal receipt).
  receipt       bytea,
  receipt_filename text,
  receipt_content_type text,
  receipt_sha256 text,
  UNIQUE (incident_id, rule_id, jurisdiction, sequence),
  CONSTRAINT filings_email_check
    CHECK (status NOT IN ('sending', 'sent') OR (channel = 'email' AND recipient IS NOT NULL AND message_id IS NOT NULL)),
  CONSTRAINT filings_sent_proof_check
    CHECK (status <> 'sent' OR (relay_response IS NOT NULL AND filed_at IS NOT NULL AND message_sha256 IS NOT NULL)),
  CONSTRAINT filings_recorded_proof_check
    CHECK (status <> 'recorded' OR (channel <> 'email' AND reference IS NOT NULL AND filed_at IS NOT NULL
      AND recorded_by IS NOT NULL AND receipt IS NOT NULL AND receipt_sha256 IS NOT NULL
      AND receipt_filename IS NOT NULL AND receipt_content_type IS NOT NULL))
);

CREATE INDEX filings_packet ON filings (packet_id);

-- Down Migration
-- Forward-only.
