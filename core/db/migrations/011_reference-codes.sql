-- Up Migration
-- Reference codes that say nothing about their neighbours (issue 13 #9). A code (FR-1234-5678) is
-- what a customer quotes to support, and was the affected row's sequence number: whoever held one
-- could name the codes of the people identified just before and after them. Now the sequence
-- number goes through a keyed permutation of [0, p), p = 99 999 989 (the largest prime below
-- 10^8): x = a1·n + b1, then y = a2·x³ + b2, all mod p, with a1, b1, a2, b2 drawn once, here, per
-- installation. Both steps are bijections (cubing is one because 3 does not divide p − 1), so codes
-- stay unique with no retry, keep their shape, and consecutive people get unrelated codes; the
-- cube makes it non-linear, so codes are no fixed stride apart. Plain integer arithmetic: the
-- identification of a million people pays well under a second for it (a SHA-256 Feistel network in
-- PL/pgSQL cost a minute). Codes already issued stay as they are.
--
-- The constants are in the function's body, readable by anyone who can read the schema: they keep
-- codes unguessable to customers, not to the database's users (a code opens nothing by itself:
-- support's lookups are by staff, and audited). Unique for the first p affected rows.
DO $migration$
DECLARE
  p  constant bigint := 99999989;
  a1 bigint := 1 + floor(random() * (p - 1))::bigint;
  b1 bigint := floor(random() * p)::bigint;
  a2 bigint := 1 + floor(random() * (p - 1))::bigint;
  b2 bigint := floor(random() * p)::bigint;
BEGIN
  EXECUTE format($f$
    CREATE FUNCTION reference_code(n bigint) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $body$
      SELECT 'FR-' || to_char((%2$s * ((x * x %% %1$s) * x %% %1$s) + %3$s) %% %1$s, 'FM0000"-"0000')
      FROM (SELECT (%4$s * (n %% %1$s) + %5$s) %% %1$s AS x) AS s
    $body$ $f$, p, a2, b2, a1, b1);
END
$migration$;

-- Down Migration
-- Forward-only.
