import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventHash, verifyChains, type ChainHead } from '../../../core/audit/chain';
import { verifyTrail } from '../../../core/audit/verify-trail';
import * as audit from '../../../core/db/audit';
import { migrate } from '../../../core/db/migrate';
import { createPool, inTransaction, type Pool } from '../../../core/db/pool';
import { APP_ROLE, provisionAppLogin } from '../../../core/db/roles';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { newIncident } from '../../helpers/factories';

/**
 * The audit trail's hash chain (migration 007, core/audit/): an intact trail verifies; what a
 * superuser does to it with the triggers switched off — an edit, a deletion, a forged row — is
 * named by id and incident; many writers at once still form one valid chain; the application's
 * role may only read and append.
 */

const repo = fileURLToPath(new URL('../../../', import.meta.url));

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 24 });
});
afterAll(async () => {
  await db?.drop();
});

/** What a superuser can do: statements with every ordinary trigger skipped, in one transaction. */
async function tamper(pool: Pool, statements: [string, unknown[]?][]): Promise<void> {
  await inTransaction(pool, async (tx) => {
    await tx.query(`SET LOCAL session_replication_role = replica`);
    for (const [sql, params] of statements) await tx.query(sql, params ?? []);
  });
}

/** An incident with `n` events of its own after the one that opened it. */
async function incidentWithEvents(n: number): Promise<{ incidentId: string; ids: string[] }> {
  const { incident } = await newIncident(db.pool);
  for (let i = 1; i <= n; i++) {
    await audit.append(db.pool, {
      incidentId: incident.id,
      actor: 'test',
      action: 'note',
      detail: { i, text: `event ${i}` },
    });
  }
  const rows = await audit.chainRows(db.pool, incident.id);
  return { incidentId: incident.id, ids: rows.map((r) => r.id) };
}

function runVerify(args: string[], url: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'audit-verify-'));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/audit-verify.ts', ...args],
      {
        cwd: repo,
        env: { ...process.env, DATABASE_URL: url, FORTHRIGHT_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      },
      (err, stdout, stderr) => {
        rmSync(dataDir, { recursive: true, force: true });
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('audit chain', () => {
  it('hashes in TypeScript exactly as the trigger does, whatever the fields hold', async () => {
    const { incident } = await newIncident(db.pool);
    const odd = ['', 'a\nb', '12:34', '~', 'Zoë 🙂 "quoted" \\ back', '\u0001'];
    for (const [i, text] of odd.entries()) {
      await audit.append(db.pool, {
        incidentId: i % 2 ? incident.id : null,
        actor: text || 'system',
        action: `odd_${i}`,
        detail: { text, nested: { list: [1, 2.5, null, true], z: 'z', a: text } },
        dedupeKey: i === 3 ? `odd-${incident.id}` : undefined,
      });
    }
    const result = await verifyTrail(db.pool);
    expect(result.breaks).toEqual([]);
    expect(result.ok).toBe(true);
    for (const row of await audit.chainRows(db.pool, incident.id)) expect(eventHash(row)).toBe(row.hash);
  });

  it('verifies an intact chain and exports its head (the last event, with its hash)', async () => {
    const { incidentId, ids } = await incidentWithEvents(3);
    const result = await verifyTrail(db.pool, { incidentId });
    expect(result).toMatchObject({ ok: true, events: 4, chains: 1, breaks: [] });
    const rows = await audit.chainRows(db.pool, incidentId);
    expect(rows.map((r) => r.chainSeq)).toEqual(['1', '2', '3', '4']);
    expect(rows[0]!.prevId).toBeNull();
    expect(rows[2]!.prevId).toBe(ids[1]);
    expect(rows[2]!.prevHash).toBe(rows[1]!.hash);
    expect(result.heads).toEqual([
      { incidentId, id: ids[3], chainSeq: '4', at: rows[3]!.at, hash: rows[3]!.hash },
    ]);
  });

  it('does not advance the chain for an insert that ON CONFLICT skips (a retried activity)', async () => {
    const { incident } = await newIncident(db.pool);
    const event = {
      incidentId: incident.id,
      actor: 'test',
      action: 'once',
      dedupeKey: `once-${incident.id}`,
    };
    await audit.append(db.pool, event);
    await audit.append(db.pool, event);
    await audit.append(db.pool, { incidentId: incident.id, actor: 'test', action: 'after' });
    const rows = await audit.chainRows(db.pool, incident.id);
    expect(rows.map((r) => [r.chainSeq, r.action])).toEqual([
      ['1', 'incident_opened'],
      ['2', 'once'],
      ['3', 'after'],
    ]);
    expect((await verifyTrail(db.pool, { incidentId: incident.id })).ok).toBe(true);
  });

  it('names an event edited and another deleted by the superuser, with the triggers off', async () => {
    const { incidentId, ids } = await incidentWithEvents(5);
    const [edited, deleted] = [ids[2]!, ids[4]!];
    await tamper(db.pool, [
      [`UPDATE audit_events SET detail = '{"i": 2, "text": "nothing happened"}' WHERE id = $1`, [edited]],
      [`DELETE FROM audit_events WHERE id = $1`, [deleted]],
    ]);

    const result = await verifyTrail(db.pool, { incidentId });
    expect(result.ok).toBe(false);
    expect(result.breaks).toEqual([
      { kind: 'altered', id: edited, incidentId, chainSeq: '3' },
      { kind: 'removed', missingId: deleted, missingCount: 1, id: ids[5], incidentId, chainSeq: '6' },
    ]);

    // The command names both, and fails.
    const cli = await runVerify(['--incident', incidentId], db.url);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(`event ${edited} (incident ${incidentId}, position 3) was altered`);
    expect(cli.stdout).toContain(`event ${deleted} (incident ${incidentId}) was removed`);
  });

  it('names a row forged into the middle of a chain, even with a hash that fits its fields', async () => {
    const { incidentId, ids } = await incidentWithEvents(3);
    const rows = await audit.chainRows(db.pool, incidentId);
    const before = rows[1]!;
    // The forger makes room (positions after it move up) and computes the hash as the trigger would.
    const forged = {
      id: '999000001',
      incidentId,
      chainSeq: '3',
      at: before.at,
      actor: 'compliance@example.com',
      action: 'notice_approved',
      detail: '{"backdated": true}',
      dedupeKey: null,
      prevId: before.id,
      prevHash: before.hash,
    };
    await tamper(db.pool, [
      [
        `UPDATE audit_events SET chain_seq = chain_seq + 100 WHERE incident_id = $1 AND chain_seq > 2`,
        [incidentId],
      ],
      [
        `UPDATE audit_events SET chain_seq = chain_seq - 99 WHERE incident_id = $1 AND chain_seq > 100`,
        [incidentId],
      ],
      [
        `INSERT INTO audit_events (id, incident_id, at, actor, action, detail, chain_seq, prev_id, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, decode($9, 'hex'), decode($10, 'hex'))`,
        [
          forged.id,
          incidentId,
          forged.at,
          forged.actor,
          forged.action,
          forged.detail,
          forged.chainSeq,
          forged.prevId,
          forged.prevHash,
          eventHash(forged),
        ],
      ],
    ]);
    const result = await verifyTrail(db.pool, { incidentId });
    expect(result.breaks).toEqual([{ kind: 'inserted', id: forged.id, incidentId, chainSeq: '3' }]);
    expect(ids).not.toContain(forged.id);
  });

  it('names a row appended with the trigger off, and an anchored head catches a consistent forgery', async () => {
    const { incidentId } = await incidentWithEvents(2);
    const anchored: ChainHead[] = (await verifyTrail(db.pool, { incidentId })).heads;
    const head = anchored[0]!;

    // A careless forger: a row with no proper hash.
    await tamper(db.pool, [
      [
        `INSERT INTO audit_events (id, incident_id, actor, action, chain_seq, prev_id, prev_hash, hash)
         VALUES (999000002, $1, 'x', 'forged', 4, $2, decode($3, 'hex'), '\\x00')`,
        [incidentId, head.id, head.hash],
      ],
    ]);
    const careless = await verifyTrail(db.pool, { incidentId });
    expect(careless.breaks).toEqual([{ kind: 'altered', id: '999000002', incidentId, chainSeq: '4' }]);

    // A careful one: removes it, then rewrites the last event with a consistent hash. The chain alone
    // cannot tell; the head anchored outside the database can.
    const last = (await audit.chainRows(db.pool, incidentId))[2]!;
    const rewritten = { ...last, detail: '{"i": 2, "text": "rewritten"}' };
    await tamper(db.pool, [
      [`DELETE FROM audit_events WHERE id = 999000002`],
      [
        `UPDATE audit_events SET detail = $2, hash = decode($3, 'hex') WHERE id = $1`,
        [last.id, rewritten.detail, eventHash(rewritten)],
      ],
    ]);
    const careful = await verifyTrail(db.pool, { incidentId, anchors: anchored });
    expect(careful.breaks).toEqual([]);
    expect(careful.brokenAnchors).toEqual(anchored);
    expect(careful.ok).toBe(false);

    const dir = mkdtempSync(join(tmpdir(), 'audit-anchor-'));
    try {
      const file = join(dir, 'head.json');
      writeFileSync(
        file,
        JSON.stringify({ exportedAt: new Date().toISOString(), verified: true, heads: anchored }),
      );
      const cli = await runVerify(['--incident', incidentId, '--anchor', file], db.url);
      expect(cli.code).toBe(1);
      expect(cli.stdout).toContain(`anchored head event ${head.id} (incident ${incidentId}, position 3)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('forms one valid chain under many concurrent writers', async () => {
    const { incident } = await newIncident(db.pool);
    const writers = 60;
    await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        inTransaction(db.pool, async (tx) => {
          // Two events per transaction, on the incident's chain and on the chain without an incident.
          await audit.append(tx, { incidentId: incident.id, actor: 'writer', action: 'w', detail: { i } });
          await audit.append(tx, { incidentId: null, actor: 'writer', action: 'w', detail: { i } });
          await tx.query('SELECT pg_sleep(0.002)');
        }),
      ),
    );
    const rows = await audit.chainRows(db.pool, incident.id);
    expect(rows).toHaveLength(writers + 1);
    expect(rows.map((r) => Number(r.chainSeq))).toEqual(Array.from({ length: writers + 1 }, (_, i) => i + 1));
    // (The other chains of this database were tampered with by the tests above.)
    for (const incidentId of [incident.id, null]) {
      const result = await verifyTrail(db.pool, { incidentId });
      expect(result.breaks).toEqual([]);
      expect(result.ok).toBe(true);
    }
  });

  it('prints the heads as JSON for anchoring, and exits 0 on an intact trail', async () => {
    const fresh = await createTestDatabase({ poolSize: 2 });
    try {
      const { incident } = await newIncident(fresh.pool);
      const cli = await runVerify(['--export-head'], fresh.url);
      expect(cli.code).toBe(0);
      expect(cli.stderr).toMatch(/audit trail: \d+ events in 2 chains, intact/);
      const exported = JSON.parse(cli.stdout) as { verified: boolean; heads: ChainHead[] };
      expect(exported.verified).toBe(true);
      const rows = await audit.chainRows(fresh.pool, incident.id);
      expect(exported.heads).toContainEqual({
        incidentId: incident.id,
        id: rows.at(-1)!.id,
        chainSeq: rows.at(-1)!.chainSeq,
        at: rows.at(-1)!.at,
        hash: rows.at(-1)!.hash,
      });
    } finally {
      await fresh.drop();
    }
  });
});

describe('migration 007', () => {
  it('chains the events written before it, as the trigger would have', async () => {
    const admin = new pg.Client({ connectionString: inject('databaseAdminUrl') });
    await admin.connect();
    const name = `audit_pre_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(inject('databaseAdminUrl'));
    url.pathname = `/${name}`;
    const pool = createPool(url.toString(), 2);
    try {
      // The schema as it was before 007, with a trail in it.
      await runner({
        databaseUrl: url.toString(),
        dir: join(repo, 'core/db/migrations'),
        direction: 'up',
        migrationsTable: 'schema_migrations',
        count: 6,
        log: () => undefined,
      });
      const incident = '6d7f0f7e-0000-4000-8000-000000000001';
      // Hand-written rows on purpose: the use cases of today write the schema of today.
      await pool.query(
        `WITH u AS (
           INSERT INTO users (email, display_name, role, token_hash) VALUES ('o@x', 'O', 'officer', 'h') RETURNING id
         )
         INSERT INTO incidents (id, title, description, discovered_at, systems, data_categories, opened_by, workflow_id)
         SELECT $1::uuid, 't', 'd', now(), '{crm}', '{email}', u.id, 'incident-' || $1::text FROM u`,
        [incident],
      );
      await pool.query(
        `INSERT INTO audit_events (incident_id, at, actor, action, detail) VALUES
           ($1, now() - interval '2 days', 'a', 'one', '{"n": 1}'),
           (NULL, now() - interval '1 day', 'b', 'two', '{}'),
           ($1, now() - interval '1 day', 'c', 'three', '{"n": 3}'),
           (NULL, now(), 'd', 'four', '{"x": [1]}')`,
        [incident],
      );
      await migrate(url.toString());
      const result = await verifyTrail(pool);
      expect(result).toMatchObject({ ok: true, events: 4, chains: 2 });
      expect((await audit.chainRows(pool, incident)).map((r) => [r.chainSeq, r.action])).toEqual([
        ['1', 'one'],
        ['2', 'three'],
      ]);
      // And the trigger carries on from there.
      await audit.append(pool, { incidentId: incident, actor: 'e', action: 'five' });
      expect(verifyChains(await audit.chainRows(pool, incident)).ok).toBe(true);
    } finally {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});

describe('the application role', () => {
  const login = `app_test_${randomBytes(4).toString('hex')}`;
  let app: Pool | undefined;
  afterAll(async () => {
    await app?.end();
    await db.pool.query(`DROP ROLE IF EXISTS ${login}`);
  });

  it("is not the owner: the migration step warns when DATABASE_URL is the migrations' role", async () => {
    const warnings = await provisionAppLogin(db.url, db.url);
    expect(warnings).toEqual([expect.stringContaining('could alter the audit trail')]);
  });

  it('may read and append to the trail, and nothing else: no UPDATE, DELETE, TRUNCATE or ALTER', async () => {
    const appUrl = new URL(db.url);
    appUrl.username = login;
    appUrl.password = 'app-test-password';
    // What the migration step does for DATABASE_URL's user: creates it as a member of forthright_app.
    expect(await provisionAppLogin(db.url, appUrl.toString())).toEqual([]);
    app = createPool(appUrl.toString(), 2);

    const { rows: who } = await app.query<{ user: string; member: boolean; superuser: boolean }>(
      `SELECT current_user AS user, pg_has_role(current_user, $1, 'MEMBER') AS member,
              (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`,
      [APP_ROLE],
    );
    expect(who[0]).toEqual({ user: login, member: true, superuser: false });

    // The application's own work goes through: an incident opened (row + audit entry), read back.
    const { incident } = await newIncident(app);
    await audit.append(app, { incidentId: incident.id, actor: 'app', action: 'note' });
    expect((await audit.listForIncident(app, incident.id)).map((e) => e.action)).toEqual([
      'incident_opened',
      'note',
    ]);

    const refused = async (sql: string) => {
      const err = (await app!.query(sql, []).then(
        () => undefined,
        (e: unknown) => e,
      )) as { code?: string; message?: string } | undefined;
      return err;
    };
    for (const sql of [
      `UPDATE audit_events SET detail = '{}' WHERE incident_id = '${incident.id}'`,
      `DELETE FROM audit_events WHERE incident_id = '${incident.id}'`,
      `TRUNCATE audit_events`,
    ]) {
      expect((await refused(sql))?.code, sql).toBe('42501'); // insufficient_privilege
    }
    for (const sql of [
      `ALTER TABLE audit_events DISABLE TRIGGER audit_events_chain`,
      `ALTER TABLE audit_events DISABLE TRIGGER ALL`,
      `SET session_replication_role = replica`,
    ]) {
      const err = await refused(sql);
      expect(err?.code, sql).toBe('42501');
    }
    // Nor can it choose its own link or hash: the trigger overwrites them.
    await app.query(
      `INSERT INTO audit_events (incident_id, actor, action, chain_seq, prev_id, prev_hash, hash, at)
       VALUES ($1, 'app', 'claims', 1, NULL, NULL, '\\x00', now() - interval '1 year')`,
      [incident.id],
    );
    const result = await verifyTrail(app, { incidentId: incident.id });
    expect(result.ok).toBe(true);
    const last = (await audit.chainRows(app, incident.id)).at(-1)!;
    expect(last).toMatchObject({ action: 'claims', chainSeq: '3' });
    expect(new Date(last.at).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
});
