-- Up Migration
-- Questions (issue 17 item 5; core/use-cases/questions.ts, core/domain/questions.ts): a customer asks
-- on their personal page (/n/<token>); the question belongs to their case — the affected record of
-- the incident the page is for, which carries the reference code — so support finds it by that
-- code with everything else, and the customer never says who they are again. Support's answer goes
-- by email to the address the notice went to, exactly once (the commit point, as filings 021).
CREATE TABLE questions (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id   uuid NOT NULL,
  customer_id   bigint NOT NULL,
  FOREIGN KEY (incident_id, customer_id) REFERENCES affected_customers (incident_id, customer_id) ON DELETE CASCADE,
  -- What the customer wrote, as written (the page's form takes at most 2,000 characters).
  body          text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000),
  -- The same question sent twice (a double click, a reload of the POST) is one question.
  body_sha256   text NOT NULL,
  -- The customer's locale when asked (the page speaks its language): the answer's email does too.
  language      text NOT NULL,
  asked_at      timestamptz NOT NULL DEFAULT now(),
  -- open | sending | answered (by email) | failed | closed (answered by phone or post, recorded).
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'sending', 'answered', 'failed', 'closed')),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  -- The answer support wrote, who wrote it and when.
  answer        text CHECK (answer IS NULL OR char_length(answer) BETWEEN 1 AND 10000),
  answered_by   uuid REFERENCES users (id),
  answer_requested_at timestamptz,
  -- How it was answered: by email (sent here), or by phone or post (recorded by support).
  answer_channel text CHECK (answer_channel IN ('email', 'phone', 'post')),
  -- The answer's email: the address the notice went to, the stable Message-ID, attempts.
  recipient     text,
  message_id    text,
  attempts      integer NOT NULL DEFAULT 0,
  -- The attempt that passed the commit point: only it records the relay's answer.
  lease         uuid,
  -- When the relay held the whole message (core/mail/smtp-pool.ts): never sent again blind after.
  committed_at  timestamptz,
  -- The message exactly as handed to the relay (RFC 5322), and its SHA-256.
  message       bytea,
  message_sha256 text,
  relay_response text,
  -- Failed without an answer after the commit point: the message may have arrived.
  uncertain     boolean NOT NULL DEFAULT false,
  -- When the relay accepted the answer.
  answered_at   timestamptz,
  UNIQUE (incident_id, customer_id, body_sha256),
  CONSTRAINT questions_answer_request_check
    CHECK (status = 'open' OR (answer IS NOT NULL AND answered_by IS NOT NULL AND answer_requested_at IS NOT NULL
      AND answer_channel IS NOT NULL)),
  CONSTRAINT questions_email_check
    CHECK (status NOT IN ('sending', 'answered', 'failed') OR (answer_channel = 'email' AND recipient IS NOT NULL
      AND message_id IS NOT NULL)),
  CONSTRAINT questions_closed_check
    CHECK (status <> 'closed' OR (answer_channel <> 'email' AND answered_at IS NOT NULL)),
  CONSTRAINT questions_answered_proof_check
    CHECK (status <> 'answered' OR (relay_response IS NOT NULL AND answered_at IS NOT NULL AND message_sha256 IS NOT NULL))
);

CREATE INDEX questions_case ON questions (incident_id, customer_id, asked_at);
-- Support's queue of questions waiting for an answer.
CREATE INDEX questions_open ON questions (asked_at) WHERE status IN ('open', 'failed');
-- A question's history in the support lookup is its audit events (asked, answer requested, sent or
-- failed, each retry): found by the question's id without reading the incident's whole trail.
CREATE INDEX audit_events_question ON audit_events ((detail ->> 'questionId')) WHERE detail ? 'questionId';

-- Down Migration
-- Forward-only.
