import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app';
import { customerPageRoutes } from '../../api/routes/customer-page';
import { verifyChains } from '../../core/audit/chain';
import { loadConfig } from '../../core/config';
import type { Config } from '../../core/config';
import * as audit from '../../core/db/audit';
import type { Pool } from '../../core/db/pool';
import { TemplateCache } from '../../core/mail/template-cache';
import { startApiOnly } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { notifiedPeople } from '../helpers/notified';

// Issue 20: when the notices land, many of the people told open their page within minutes, often
// from one shared address (a carrier's NAT, an office proxy). The limits stop guessing, not people.

const PEOPLE = 400;
const wrongToken = () => randomBytes(32).toString('hex');

describe('customer page limits: misses are throttled, people are not', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let incidentId: string;
  /** Every person's page token, in customer order. */
  let tokens: string[];
  const apis: Awaited<ReturnType<typeof startApiOnly>>[] = [];
  const env = { PAGE_TOKEN_KEY: randomBytes(32).toString('base64') };
  /** Hands out people nobody has used yet, so each test's pages are first views. */
  let used = 0;
  const people = (n: number) => {
    if (used + n > tokens.length) throw new Error('not enough people: raise PEOPLE');
    return tokens.slice(used, (used += n));
  };

  const api = async (overrides: Record<string, string> = {}) => {
    const started = await startApiOnly(db, { ...env, ...overrides });
    apis.push(started);
    return started.app;
  };
  const get = (app: App, token: string, remoteAddress: string) =>
    app.inject({ method: 'GET', url: `/n/${token}`, remoteAddress });

  beforeAll(async () => {
    db = await createTestDatabase();
    config = loadConfig({
      ...env,
      DATABASE_URL: db.url,
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-pages-')),
      LOG_LEVEL: 'silent',
    });
    const notified = await notifiedPeople(
      { pool: db.pool, templates: new TemplateCache(db.pool), config },
      PEOPLE,
    );
    incidentId = notified.incident.id;
    tokens = notified.tokens;
  }, 120_000);
  afterAll(async () => {
    for (const a of apis) await a.close();
    await db?.drop();
  });

  it('serves 300 different people their pages from one address within a minute', async () => {
    const app = await api();
    const nat = '203.0.113.50';
    const mine = people(300);
    const started = Date.now();
    const answers = [];
    for (let i = 0; i < mine.length; i += 20)
      answers.push(...(await Promise.all(mine.slice(i, i + 20).map((t) => get(app, t, nat)))));
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(answers.map((a) => a.statusCode)).toEqual(mine.map(() => 200));
    // Each got their own page: the form posts back to their own link.
    answers.forEach((a, i) =>
      expect(a.body).toContain(`<form method="post" action="/n/${mine[i]}/acknowledge">`),
    );
  });

  it('throttles 300 wrong links from one address after the configured limit, and still serves valid links from it', async () => {
    const app = await api({ PAGE_MISS_LIMIT_PER_ADDRESS: '25' });
    const guesser = '203.0.113.60';
    const codes: number[] = [];
    for (let i = 0; i < 300; i++) {
      // Every kind of miss counts: unknown, malformed, wrong case of a real one.
      const token = i % 3 === 0 ? 'abc' : i % 3 === 1 ? wrongToken() : tokens[0]!.toUpperCase();
      codes.push((await get(app, token, guesser)).statusCode);
    }
    expect(codes.slice(0, 25)).toEqual(Array(25).fill(404));
    expect(codes.slice(25)).toEqual(Array(275).fill(429));
    const limited = await get(app, wrongToken(), guesser);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['content-type']).toMatch(/^text\/html/);
    expect(limited.body).toContain('Too many requests');

    // Throttling the address does not stop the people behind it.
    for (const token of people(5)) expect((await get(app, token, guesser)).statusCode).toBe(200);
    // Nor does it throttle anyone else's misses.
    expect((await get(app, wrongToken(), '203.0.113.61')).statusCode).toBe(404);
  });

  it('throttles misses in total too (a guesser on many addresses), never valid links', async () => {
    const app = await api({ PAGE_MISS_LIMIT_TOTAL: '40' });
    const codes: number[] = [];
    for (let i = 0; i < 50; i++) codes.push((await get(app, wrongToken(), `198.51.100.${i + 1}`)).statusCode);
    expect(codes.slice(0, 40)).toEqual(Array(40).fill(404));
    expect(codes.slice(40)).toEqual(Array(10).fill(429));
    const [token] = people(1);
    expect((await get(app, token!, '198.51.100.200')).statusCode).toBe(200);
  });

  it('counts an expired link as a miss', async () => {
    const app = await api({ PAGE_MISS_LIMIT_PER_ADDRESS: '3' });
    const [token] = people(1);
    await db.pool.query(
      `UPDATE affected_customers SET page_expires_at = now() - interval '1 second'
       WHERE incident_id = $1 AND page_token_hash = encode(sha256(convert_to($2::text, 'UTF8')), 'hex')`,
      [incidentId, token],
    );
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await get(app, token!, '203.0.113.70')).statusCode);
    expect(codes).toEqual([410, 410, 410, 429]);
  });

  it('limits one valid link on its own (a runaway reload), not the address it comes from', async () => {
    const app = await api({ PAGE_VIEW_LIMIT_PER_LINK: '4' });
    const [mine, neighbour] = people(2);
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await get(app, mine!, '203.0.113.80')).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 429]);
    expect((await get(app, neighbour!, '203.0.113.80')).statusCode).toBe(200);
  });

  it('keys on the client behind a trusted proxy (TRUST_PROXY)', async () => {
    const app = await api({ TRUST_PROXY: '1', PAGE_MISS_LIMIT_PER_ADDRESS: '2' });
    const via = (client: string) =>
      app.inject({
        method: 'GET',
        url: `/n/${wrongToken()}`,
        remoteAddress: '10.0.0.5',
        headers: { 'x-forwarded-for': client },
      });
    expect([(await via('192.0.2.1')).statusCode, (await via('192.0.2.1')).statusCode]).toEqual([404, 404]);
    expect((await via('192.0.2.1')).statusCode).toBe(429);
    expect((await via('192.0.2.2')).statusCode).toBe(404);
  });

  describe('a wrong link costs what a right one does', () => {
    /** The statements a request made, recorded by a pool that passes everything on. */
    let statements: { text: string; values: unknown[] }[];
    let app: App;

    beforeAll(async () => {
      const spy = new Proxy(db.pool, {
        get(target, prop, receiver) {
          if (prop === 'query')
            return (query: string | { text: string; values?: unknown[] }, values?: unknown[]) => {
              statements.push(
                typeof query === 'string'
                  ? { text: query, values: values ?? [] }
                  : { text: query.text, values: query.values ?? [] },
              );
              return target.query(query as string, values);
            };
          const v: unknown = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      }) as Pool;
      const fastify = Fastify().withTypeProvider<ZodTypeProvider>();
      fastify.setValidatorCompiler(validatorCompiler);
      fastify.setSerializerCompiler(serializerCompiler);
      await fastify.register(customerPageRoutes, {
        config,
        pool: spy,
        temporal: undefined as never,
        logger: undefined as never,
        templates: new TemplateCache(db.pool),
        limits: { missesPerAddress: 10_000, missesTotal: 10_000 },
      } as Parameters<typeof customerPageRoutes>[1]);
      app = fastify as unknown as App;
      statements = [];
      // The first page of all also loads the template snapshot and the stored send context.
      expect((await app.inject({ method: 'GET', url: `/n/${people(1)[0]}` })).statusCode).toBe(200);
    });
    afterAll(async () => {
      await app?.close();
    });

    /** The statements one GET made, and its status. */
    const traced = async (path: string) => {
      statements = [];
      const { statusCode } = await app.inject({ method: 'GET', url: path });
      return { statusCode, statements };
    };

    it('makes the same single indexed lookup by hash for every link, right or wrong, of any shape', async () => {
      const [right] = people(1);
      const answers = [
        await traced(`/n/${right}`),
        await traced(`/n/${right}`), // a reload: served as rendered, still looked up
        await traced(`/n/${wrongToken()}`),
        await traced(`/n/${right!.slice(0, 63)}x`),
        await traced('/n/abc'),
        await traced(`/n/${'z'.repeat(90)}`),
        await traced(`/n/${right}/extra`),
        await traced('/n/'),
      ];
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 404, 404, 404, 404, 404, 404]);
      const lookup = answers[0]!.statements[0]!.text;
      expect(lookup).toMatch(/WHERE a\.page_token_hash = \$1/);
      for (const a of answers) {
        expect(a.statements.map((s) => s.text)).toEqual([lookup]);
        // What is looked up is always a SHA-256, never the token as given.
        expect(a.statements[0]!.values).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
      }
    });

    it('takes about as long for a wrong link as for a right one (medians, generous bounds)', async () => {
      // Loose on purpose: a shared two-core machine stretches everything. What it catches is a
      // miss answered without the lookup (a fraction of a millisecond against several).
      const mine = people(30);
      for (const t of mine) await app.inject({ method: 'GET', url: `/n/${t}` });
      const right: number[] = [];
      const wrong: number[] = [];
      const time = async (path: string) => {
        const started = process.hrtime.bigint();
        await app.inject({ method: 'GET', url: path });
        return Number(process.hrtime.bigint() - started) / 1e6;
      };
      for (const t of mine) {
        right.push(await time(`/n/${t}`));
        wrong.push(await time(`/n/${wrongToken()}`));
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const ratio = median(wrong) / median(right);
      expect(ratio).toBeGreaterThan(0.25);
      expect(ratio).toBeLessThan(4);
    });
  });

  it('takes acknowledgements in a burst: each once, audited once, committed together', async () => {
    const app = await api();
    const mine = people(20);
    const acknowledge = (token: string) =>
      app.inject({
        method: 'POST',
        url: `/n/${token}/acknowledge`,
        remoteAddress: '203.0.113.90',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: '',
      });
    // Everyone at once, and everyone twice.
    const answers = await Promise.all([...mine, ...mine].map(acknowledge));
    expect(answers.map((a) => a.statusCode)).toEqual(answers.map(() => 303));
    expect(answers.map((a) => a.headers.location)).toEqual([...mine, ...mine].map((t) => `/n/${t}`));
    const { rows } = await db.pool.query<{ customerId: number; n: number; txs: number }>(
      `SELECT (detail->>'customerId')::int AS "customerId", count(*)::int AS n
       FROM audit_events WHERE incident_id = $1 AND action = 'notice_acknowledged'
       GROUP BY 1`,
      [incidentId],
    );
    expect(rows).toHaveLength(mine.length);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    // Fewer transactions than acknowledgements: they were committed together, not one by one
    // behind the incident's audit chain lock.
    const { rows: txs } = await db.pool.query<{ n: number }>(
      `SELECT count(DISTINCT xmin::text)::int AS n FROM audit_events
       WHERE incident_id = $1 AND action = 'notice_acknowledged'`,
      [incidentId],
    );
    expect(txs[0]!.n).toBeLessThan(mine.length);
    // The chain is whole.
    const verification = verifyChains(await audit.chainRows(db.pool, incidentId));
    expect(verification.breaks).toEqual([]);
    // Each page now shows its acknowledgement.
    const page = await get(app, mine[0]!, '203.0.113.90');
    expect(page.body).toContain('You told us on');
    // No acknowledgement form any more (the question form stays).
    expect(page.body).not.toContain('/acknowledge">');
  });
});
