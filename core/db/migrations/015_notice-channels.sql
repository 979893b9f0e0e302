-- Up Migration
-- A channel per person, by rule (issue 14 item 2). Once the incident's rules are known, each affected
-- person's notice is planned (core/use-cases/channels.ts `planChannels`, deciding with core/law
-- `decideChannel`): by email where email counts as notice under every rule that applies to them; by
-- letter where it does not and a postal address is known (with an email beside it when they have
-- one: `email_and_letter`); `none` when no lawful channel is left and only a substitute notice
-- covers them. `channel_reason` says why (core/domain/model.ts NOTICE_CHANNEL_REASONS).
--
-- Both are null until planned, and stay null on records that are never planned: incidents from
-- before this migration (their email delivery goes on as before: a null channel is read as email),
-- merged records (their person's recipient record carries the channel) and deceased customers
-- without a representative's email (handled by hand, status `manual`).
ALTER TABLE affected_customers
  ADD COLUMN channel text,
  ADD COLUMN channel_reason text,
  ADD CONSTRAINT affected_customers_channel_check
    CHECK (channel IN ('email', 'letter', 'email_and_letter', 'none')),
  ADD CONSTRAINT affected_customers_channel_reason_check
    CHECK (channel_reason IN ('email_allowed', 'email_consented', 'representative_email', 'no_consent',
                              'no_email', 'no_contact', 'email_undeliverable')),
  ADD CONSTRAINT affected_customers_channel_planned_check
    CHECK ((channel IS NULL) = (channel_reason IS NULL));

-- Down Migration
-- Forward-only.
