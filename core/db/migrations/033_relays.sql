-- Up Migration
-- Several SMTP relays with quotas (issue 18 item 3; core/mail/relay-set.ts, core/db/relays.ts).
--
-- Which relay took each message: recorded with the commit point (`sending`), so a notice that moved
-- to another relay after a refusal names the relay that holds it. Null: sent before this release, or
-- through SMTP_URL's single relay by code of the previous release.
ALTER TABLE deliveries ADD COLUMN relay text;
ALTER TABLE mailing_deliveries ADD COLUMN relay text;

-- A relay's quotas are counted here, not in a worker's memory, so that they survive a restart and are
-- shared by every worker process sending through the same relay. Messages are counted when a worker
-- reserves them (in small blocks, before sending): a reservation never used still counts, so the
-- relay is given at most its quota, never more.
--
-- Per minute, for the rolling hour and day: the last hour is the minutes that end after now - 1 hour
-- (61 rows at most), the day the same over 1441; rows older than a day are deleted as new ones come.
CREATE TABLE relay_quota_minutes (
  relay   text NOT NULL,
  minute  timestamptz NOT NULL,
  sent    integer NOT NULL DEFAULT 0 CONSTRAINT relay_quota_minutes_sent_check CHECK (sent >= 0),
  CONSTRAINT relay_quota_minutes_pkey PRIMARY KEY (relay, minute)
);

-- Per second: one row per relay holding the current second and what was reserved in it. Every
-- reservation locks its relay's row first, so reservations of one relay by several workers take turns.
CREATE TABLE relay_quota_seconds (
  relay   text CONSTRAINT relay_quota_seconds_pkey PRIMARY KEY,
  second  timestamptz NOT NULL,
  sent    integer NOT NULL DEFAULT 0 CONSTRAINT relay_quota_seconds_sent_check CHECK (sent >= 0)
);

-- Down Migration
-- Forward-only.
