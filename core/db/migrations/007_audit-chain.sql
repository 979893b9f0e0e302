-- Up Migration
-- The audit trail becomes tamper-evident (core/audit/chain.ts verifies it, `npm run audit:verify`).
--
-- 1. A hash chain. Each event stores the id and hash of the event before it in its chain, and its
--    own hash: sha256 over a canonical encoding of its fields and that link. Editing an event breaks
--    its own hash; deleting one leaves the next pointing at an id that is gone; slipping one in leaves
--    the next pointing past it. Rewriting the whole chain changes its head, which is exported
--    (`npm run audit:verify -- --export-head`) and anchored outside the database.
--
--    ONE CHAIN PER INCIDENT (events with no incident — user administration, support look-ups — form
--    one chain of their own), not one global chain. Appending takes the chain head under a lock held
--    until commit, so writers of one chain queue behind each other's transactions. A global chain
--    would make every audited transaction of every incident, and every acknowledgement on the
--    customer page, wait for the one before it to commit; per incident, only writers of the same
--    incident do, and they are few (a decision, a status change, a delivery summary). An incident's
--    chain is also verifiable on its own, so its dossier can carry it without any other incident's
--    events.
--
-- 2. The chain is computed here, by a BEFORE INSERT trigger, so no application path can skip it or
--    choose its own link, time or hash. The head is read from the table itself (not from a separate
--    head table): an insert that ON CONFLICT DO NOTHING skips after the trigger ran leaves nothing
--    behind. In READ COMMITTED each query in the trigger takes a fresh snapshot, so the head read
--    after the advisory lock is the committed one; in a REPEATABLE READ transaction a stale head
--    would give a duplicate position, which the unique index refuses — a failed transaction, never a
--    fork.
--
-- 3. Privileges. The application runs as a member of the NOLOGIN role `forthright_app`, which may
--    SELECT and INSERT on the trail and nothing more; the tables belong to the role that runs the
--    migrations (MIGRATION_DATABASE_URL), so the application can neither alter the trail nor
--    disable its triggers. A TRUNCATE trigger closes the gap the append-only trigger left.

-- The canonical encoding: every field as text, each written as <octet length>:<bytes> (a NULL as
-- '~'), so no field can run into the next. core/audit/chain.ts computes the same bytes from the text
-- forms core/db/audit.ts reads, without trusting any function of this database.
CREATE FUNCTION audit_event_hash(
  id bigint, incident_id uuid, at timestamptz, actor text, action text, detail jsonb,
  dedupe_key text, prev_id bigint, prev_hash bytea
) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT sha256(convert_to(
    (SELECT string_agg(CASE WHEN f IS NULL THEN '~' ELSE octet_length(f) || ':' || f END, '' ORDER BY n)
     FROM unnest(ARRAY[
       'forthright-audit-v1',
       id::text,
       incident_id::text,
       to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       actor,
       action,
       detail::text,
       dedupe_key,
       prev_id::text,
       encode(prev_hash, 'hex')
     ]) WITH ORDINALITY AS t (f, n)),
    'UTF8'))
$$;

ALTER TABLE audit_events
  -- Position in its chain: 1, 2, 3… (the order the chain is walked in).
  ADD COLUMN chain_seq bigint,
  -- The event before this one in its chain (NULL for the first), and its hash.
  ADD COLUMN prev_id bigint,
  ADD COLUMN prev_hash bytea,
  ADD COLUMN hash bytea;

-- Chain the events already written, oldest first, exactly as the trigger would have.
LOCK TABLE audit_events IN EXCLUSIVE MODE;
ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update;
DO $$
DECLARE
  r record;
  chain uuid;
  seq bigint := 0;
  p_id bigint;
  p_hash bytea;
  h bytea;
BEGIN
  FOR r IN SELECT * FROM audit_events ORDER BY incident_id NULLS FIRST, at, id LOOP
    IF seq = 0 OR r.incident_id IS DISTINCT FROM chain THEN
      chain := r.incident_id;
      seq := 0;
      p_id := NULL;
      p_hash := NULL;
    END IF;
    seq := seq + 1;
    h := audit_event_hash(r.id, r.incident_id, r.at, r.actor, r.action, r.detail, r.dedupe_key, p_id, p_hash);
    UPDATE audit_events SET chain_seq = seq, prev_id = p_id, prev_hash = p_hash, hash = h WHERE id = r.id;
    p_id := r.id;
    p_hash := h;
  END LOOP;
END $$;
ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update;

ALTER TABLE audit_events
  ALTER COLUMN chain_seq SET NOT NULL,
  ALTER COLUMN hash SET NOT NULL;
-- One event per position in each chain; also what the trigger finds the head with. Two partial
-- indexes rather than one NULLS NOT DISTINCT (PostgreSQL 15+): the chain of incident-less events is
-- the one whose incident_id IS NULL, and PostgreSQL 13 is still supported.
CREATE UNIQUE INDEX audit_events_chain_idx ON audit_events (incident_id, chain_seq) WHERE incident_id IS NOT NULL;
CREATE UNIQUE INDEX audit_events_chain_no_incident_idx ON audit_events (chain_seq) WHERE incident_id IS NULL;

CREATE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head record;
BEGIN
  -- The chain's lock, held until this transaction ends (classid 7001 keeps it apart from other
  -- advisory locks; a hash collision between two incidents only makes them queue together).
  PERFORM pg_advisory_xact_lock(7001, hashtext(coalesce(NEW.incident_id::text, 'no-incident')));
  -- Names qualified: a session's temporary table called audit_events would otherwise come first.
  IF NEW.incident_id IS NULL THEN
    SELECT id, hash, chain_seq INTO head FROM public.audit_events
    WHERE incident_id IS NULL ORDER BY chain_seq DESC LIMIT 1;
  ELSE
    SELECT id, hash, chain_seq INTO head FROM public.audit_events
    WHERE incident_id = NEW.incident_id ORDER BY chain_seq DESC LIMIT 1;
  END IF;
  -- The database's clock, not the caller's: the application cannot backdate an event.
  NEW.at := now();
  NEW.chain_seq := coalesce(head.chain_seq, 0) + 1;
  NEW.prev_id := head.id;
  NEW.prev_hash := head.hash;
  NEW.hash := public.audit_event_hash(NEW.id, NEW.incident_id, NEW.at, NEW.actor, NEW.action, NEW.detail,
                               NEW.dedupe_key, NEW.prev_id, NEW.prev_hash);
  RETURN NEW;
END;
$$;
CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_chain();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- The application's role. Roles belong to the cluster, not the database: another database on the
-- same server may have created it already (or at the same moment).
DO $$
BEGIN
  CREATE ROLE forthright_app NOLOGIN;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END $$;
GRANT USAGE ON SCHEMA public TO forthright_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO forthright_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO forthright_app;
-- Tables and sequences later migrations create get the same grants (when run by the same owner);
-- a later append-only table revokes what it must, as below.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO forthright_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO forthright_app;
-- The trail: read and append only. The migration history: read only (the services wait for it).
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM forthright_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM forthright_app;
-- Identification refreshes the planner's statistics (ANALYZE) of the tables it fills; from
-- PostgreSQL 17 that is the MAINTAIN privilege (before, a non-owner's ANALYZE is skipped with a
-- warning and autovacuum does it).
DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 170000 THEN
    EXECUTE 'GRANT MAINTAIN ON affected_customers, customers, holdings TO forthright_app';
  END IF;
END $$;

-- Down Migration
-- Forward-only: schema changes are new migrations.
