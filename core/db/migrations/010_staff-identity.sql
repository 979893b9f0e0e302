-- Up Migration
-- Staff identity (issue 13 #8; core/db/users.ts, core/db/sessions.ts, api/auth.ts).
--
-- People sign in through the organisation's OpenID Connect provider and get an expiring session;
-- only service accounts (scripts, integrations, and the demo users of a development start) hold
-- API tokens, and those expire and can be revoked. An admin can invite a person, end their
-- sessions or deactivate them, but can never obtain a credential that acts as them.

-- Every account so far signed in with a token: they become service accounts, whose tokens expire
-- 90 days from now (people move to OIDC sign-in before then; README "Staff sign-in").
ALTER TABLE users
  ADD COLUMN kind text NOT NULL DEFAULT 'service' CHECK (kind IN ('person', 'service')),
  -- The provider's issuer and `sub` claim: who a person is. The email is only a label (it may change).
  ADD COLUMN oidc_issuer text,
  ADD COLUMN oidc_subject text,
  -- A service token's end (core/use-cases/users.ts sets it; this default covers any other insert).
  ADD COLUMN token_expires_at timestamptz DEFAULT now() + interval '90 days',
  ADD COLUMN invited_at timestamptz,
  ADD COLUMN last_sign_in_at timestamptz,
  ALTER COLUMN token_hash DROP NOT NULL,
  ADD CONSTRAINT users_oidc_identity_key UNIQUE (oidc_issuer, oidc_subject),
  -- A person never holds a token: no admin can mint one that acts as them.
  ADD CONSTRAINT users_person_no_token_check CHECK (kind = 'service' OR token_hash IS NULL),
  ADD CONSTRAINT users_token_expiry_check CHECK (token_hash IS NULL OR token_expires_at IS NOT NULL);

-- A signed-in browser. The cookie holds a random id; only its SHA-256 is stored, so a copy of the
-- database holds no working session. A session ends at `expires_at` (absolute) or after the idle
-- timeout since `last_seen_at` (api/auth.ts), whichever comes first.
CREATE TABLE staff_sessions (
  id_hash      text PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  -- Where it was opened from, for the user's own review and for incident response.
  source       text
);
CREATE INDEX staff_sessions_user_idx ON staff_sessions (user_id);

-- An OIDC sign-in under way: the browser holds a random id in a short-lived cookie; the state,
-- nonce and PKCE verifier wait here until the provider sends the browser back (one use each).
CREATE TABLE oidc_sign_ins (
  id_hash       text PRIMARY KEY,
  state         text NOT NULL,
  nonce         text NOT NULL,
  code_verifier text NOT NULL,
  return_to     text NOT NULL,
  expires_at    timestamptz NOT NULL
);

-- Failed sign-ins by source address (a token nobody holds, a refused OIDC sign-in): repeated
-- failures from one source are answered 429 for a while (api/auth.ts). Each failure is also in
-- the audit trail; these rows only count, and are deleted once too old to matter.
CREATE TABLE sign_in_failures (
  id     bigserial PRIMARY KEY,
  source text NOT NULL,
  at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_source_idx ON sign_in_failures (source, at);

-- Down Migration
-- Forward-only.
