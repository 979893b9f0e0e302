import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unescapeHtml } from '../core/mail/fixtures';
import { freePort } from '../../scripts/lib/local-servers';
import { repoRoot } from '../../scripts/lib/tools';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { newUser, TEST_CONSENT } from '../helpers/factories';
import { describeFindings, findPersonalData, type Seeded } from '../helpers/personal-data';
import { deliverReport, dsn } from '../helpers/reports';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { devServerAddress, uniqueTaskQueue } from '../helpers/temporal';

/**
 * Issue 21 item 4: a whole incident on real parts — the launcher (scripts/start.ts) starting the
 * worker and the API as the processes they are in production, the shared Temporal dev server,
 * PostgreSQL, an SMTP server and the bounce listener — with distinctive seeded names, email
 * addresses, postal addresses, a question's words and the page tokens the notices carry. Every line
 * the launcher, the worker and the API write (at LOG_LEVEL=debug, the most they write) is captured
 * and none may hold any of them. The checker itself is shown to fail on a value logged on purpose
 * in test/core/personal-data-in-logs.test.ts.
 *
 * The same run checks what an operator relies on in those logs: the lines about the incident carry
 * its id and its workflow's id, in the API's and the worker's logs alike, and the worker's
 * /readyz says it polls.
 */

const since = '2025-01-01T00:00:00Z';
const PEOPLE = [
  {
    externalId: 'LOG-1',
    fullName: 'Quillon Zarathustra-Vey',
    email: 'quillon.zarathustra@veymail.example',
    postalAddress: {
      lines: ['4417 Marmalade Escarpment'],
      locality: 'Thistlewick',
      region: 'US-CA',
      postalCode: '90417',
      country: 'US',
    },
  },
  {
    externalId: 'LOG-2',
    fullName: 'Ysolde Brackenridge',
    email: 'ysolde.brackenridge@brackenmail.example',
    representativeName: 'Ottoline Fernsby-Quade',
    representativeEmail: 'ottoline.fernsby@quademail.example',
    dateOfBirth: '2015-03-04',
  },
  {
    externalId: 'LOG-3',
    fullName: 'Thaddeus Quimbleworth',
    email: null,
    electronicConsent: null,
    postalAddress: {
      lines: ['77 Xylophone Parade', 'Apartment 9Q'],
      locality: 'Wrenfield Hollow',
      region: 'US-CA',
      postalCode: '94999',
      country: 'US',
    },
  },
  {
    externalId: 'LOG-4',
    fullName: 'Marisol Featherstonehaugh',
    email: 'marisol.featherstone@haughmail.example',
  },
];
const QUESTION = 'Does the Quagmire Lantern Society still hold my file?';
const STAFF = {
  officer: { email: 'octavia.plumtree@staff-logs.example', displayName: 'Octavia Plumtree' },
  compliance: { email: 'cornelius.wobblesworth@staff-logs.example', displayName: 'Cornelius Wobblesworth' },
  support: { email: 'sabine.gristlethwaite@staff-logs.example', displayName: 'Sabine Gristlethwaite' },
  admin: { email: 'ambrose.kettleborough@staff-logs.example', displayName: 'Ambrose Kettleborough' },
} as const;

/** What must never be logged: each name, its words of six letters or more, addresses, the question. */
function seededValues(): Seeded[] {
  const seeded: Seeded[] = [];
  const name = (value: string) => {
    seeded.push({ kind: 'name', value });
    for (const word of value.split(/[\s-]+/))
      if (word.length >= 6) seeded.push({ kind: 'name', value: word });
  };
  for (const p of PEOPLE) {
    name(p.fullName);
    if (p.representativeName) name(p.representativeName);
    for (const e of [p.email, p.representativeEmail]) {
      if (e) {
        seeded.push({ kind: 'email', value: e });
        seeded.push({ kind: 'email', value: e.split('@')[0]! });
      }
    }
    if (p.postalAddress) {
      for (const line of p.postalAddress.lines) seeded.push({ kind: 'postal address', value: line });
      seeded.push({ kind: 'postal address', value: p.postalAddress.locality });
    }
  }
  for (const s of Object.values(STAFF)) {
    name(s.displayName);
    seeded.push({ kind: 'email', value: s.email });
  }
  seeded.push({ kind: 'question', value: QUESTION });
  seeded.push({ kind: 'question', value: 'Quagmire Lantern' });
  return seeded;
}

interface Launcher {
  child: ChildProcess;
  exited: Promise<number | null>;
}

describe('logs of a whole incident', () => {
  const dir = mkdtempSync(join(tmpdir(), 'forthright-logs-'));
  const logFile = join(dir, 'launcher.log');
  const bounces = { domain: 'bounces.logs.example.test', key: randomBytes(32) };
  let db: TestDatabase;
  let smtp: SmtpSink;
  let launcher: Launcher | undefined;
  let apiUrl: string;
  let healthUrl: string;
  let bounceSmtpPort: number;
  const tokens = {} as Record<keyof typeof STAFF, string>;
  const pageTokens: string[] = [];
  let incidentId: string;
  let workerReady: { status: number; body: Record<string, unknown> } | undefined;
  let log = '';

  const api = async (token: string | null, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };
  const until = async <T>(what: string, check: () => Promise<T | false | null | undefined>, ms = 120_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = await check();
      if (found) return found;
      if (launcher && launcher.child.exitCode !== null)
        throw new Error(
          `the launcher exited while waiting for ${what}:\n${readFileSync(logFile, 'utf8').slice(-4000)}`,
        );
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const status = async () => (await api(tokens.officer, 'GET', `/api/incidents/${incidentId}`)).json().status;

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    for (const [role, s] of Object.entries(STAFF) as [
      keyof typeof STAFF,
      (typeof STAFF)[keyof typeof STAFF],
    ][]) {
      tokens[role] = (await newUser(db.pool, { role, ...s })).token;
    }
    const port = await freePort();
    const healthPort = await freePort();
    bounceSmtpPort = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    healthUrl = `http://127.0.0.1:${healthPort}`;
    const fd = openSync(logFile, 'a');
    // The launcher as `npm start` runs it (node --import tsx), against what is configured here: it
    // starts no server of its own, migrates, and starts the worker and the API with its own output.
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts', 'start.ts')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        FORTHRIGHT_DATA_DIR: dir,
        DATABASE_URL: db.url,
        TEMPORAL_ADDRESS: devServerAddress(),
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('logs'),
        SMTP_URL: smtp.url,
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_BASE_URL: apiUrl,
        WORKER_HEALTH_PORT: String(healthPort),
        BOUNCE_DOMAIN: bounces.domain,
        BOUNCE_SMTP_PORT: String(bounceSmtpPort),
        BOUNCE_TOKEN_KEY: bounces.key.toString('base64'),
        LOG_LEVEL: 'debug',
        DEMO_DATA: 'false',
        DELIVERY_RETRY_DELAYS: '1,1',
      },
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    launcher = {
      child,
      exited: new Promise((resolve) =>
        child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))),
      ),
    };
    await until(
      'Forthright is running',
      async () => readFileSync(logFile, 'utf8').includes('Forthright is running'),
      180_000,
    );
  }, 240_000);

  afterAll(async () => {
    if (launcher && launcher.child.exitCode === null) {
      launcher.child.kill('SIGTERM');
      await Promise.race([launcher.exited, new Promise((r) => setTimeout(r, 40_000))]);
      if (launcher.child.exitCode === null && launcher.child.pid)
        process.kill(-launcher.child.pid, 'SIGKILL');
    }
    await smtp?.close();
    await db?.drop();
    if (process.env.KEEP_LOGS) console.log(`logs kept in ${logFile}`);
    else rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it(
    'runs the incident: import, open, approve, deliver, a letter, a bounce, the customer page, a question, a lookup',
    { timeout: 300_000 },
    async () => {
      const imported = await api(
        tokens.admin,
        'POST',
        '/api/inventory/customers',
        PEOPLE.map((p) => ({
          country: 'US',
          region: 'US-CA',
          ...(p.email ? { electronicConsent: TEST_CONSENT } : {}),
          ...p,
        })),
      );
      expect(imported.status, imported.text).toBe(200);
      const held = await api(
        tokens.admin,
        'POST',
        '/api/inventory/holdings',
        PEOPLE.map((p) => ({
          customerExternalId: p.externalId,
          system: 'crm',
          categories: ['name', 'email'],
          from: since,
        })),
      );
      expect(held.status, held.text).toBe(200);

      const opened = await api(tokens.officer, 'POST', '/api/incidents', {
        title: 'Logging check: CRM export',
        description: 'A CRM export was readable by a misconfigured bucket.',
        discoveredAt: '2026-02-03T09:00:00Z',
        systems: ['crm'],
        dataCategories: ['name', 'email'],
      });
      expect(opened.status, opened.text).toBe(201);
      incidentId = opened.json().id as string;
      await until('awaiting approval', async () => (await status()) === 'awaiting_approval');
      const notices = await api(tokens.officer, 'GET', `/api/incidents/${incidentId}/notices`);
      const newest = (notices.json().items as { id: string; contentHash: string }[])[0]!;
      const approved = await api(tokens.compliance, 'POST', `/api/incidents/${incidentId}/approval`, {
        decision: 'approve',
        noticeId: newest.id,
        contentHash: newest.contentHash,
      });
      expect(approved.status, approved.text).toBe(200);
      await until('completed', async () => (await status()) === 'completed', 180_000);

      // The worker says it polls, and the database and Temporal answer.
      const ready = await fetch(`${healthUrl}/readyz`);
      workerReady = { status: ready.status, body: (await ready.json()) as Record<string, unknown> };

      const sent = smtp.messages.filter((m) => m.messageId.includes(incidentId));
      // Three people with an email address (the child's notice goes to their representative).
      expect(sent.length).toBe(3);
      for (const m of sent) {
        const token = /\/n\/([0-9a-f]{64})\b/.exec(m.text)?.[1];
        expect(token, 'page link').toBeDefined();
        pageTokens.push(token!);
      }

      // Each customer opens their page and acknowledges; one asks a question.
      for (const token of pageTokens) {
        const page = await api(null, 'GET', `/n/${token}`);
        expect(page.status).toBe(200);
        expect((await api(null, 'POST', `/n/${token}/acknowledge`)).status).toBe(303);
      }
      const page = await api(null, 'GET', `/n/${pageTokens[0]}`);
      const formToken = unescapeHtml(
        /<input type="hidden" name="form_token" value="([^"]+)">/.exec(page.text)![1]!,
      );
      const asked = await fetch(`${apiUrl}/n/${pageTokens[0]}/questions`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams([
          ['question', QUESTION],
          ['form_token', formToken],
        ]).toString(),
        redirect: 'manual',
      });
      expect(asked.status).toBeLessThan(400);
      // A page that does not exist, with something that looks like a token.
      expect((await api(null, 'GET', `/n/${'f'.repeat(64)}`)).status).toBe(404);

      // Support looks a customer up by email address; the officer reads the affected list.
      const email = PEOPLE[0]!.email!;
      const lookup = await api(
        tokens.support,
        'GET',
        `/api/support/cases?email=${encodeURIComponent(email)}`,
      );
      expect(lookup.status, lookup.text).toBe(200);
      expect(lookup.text).toContain(email);
      const affected = await api(tokens.officer, 'GET', `/api/incidents/${incidentId}/affected`);
      expect(affected.status, affected.text).toBe(200);
      expect(affected.text).toContain(PEOPLE[0]!.fullName);

      // A bounce for one of the notices comes back to the bounce listener.
      const bounced = sent.find((m) => m.envelopeTo.includes(PEOPLE[3]!.email!))!;
      const report = await deliverReport(
        bounceSmtpPort,
        bounced.envelopeFrom,
        dsn({ to: bounced.envelopeFrom, action: 'failed', status: '5.1.1', recipient: PEOPLE[3]!.email! }),
      );
      expect(report).toEqual({ accepted: true });

      // The letter for the person with only a postal address is rendered.
      await until('the letter batch', async () => {
        const letters = await api(tokens.officer, 'GET', `/api/incidents/${incidentId}/letters`);
        const items = (letters.json().items ?? []) as { status: string }[];
        return items.some((b) => b.status === 'ready');
      });

      // Stop everything (the launcher drains the worker and the API), then read every line.
      launcher!.child.kill('SIGTERM');
      expect(await launcher!.exited).toBe(0);
      log = readFileSync(logFile, 'utf8');
    },
  );

  it('finds none of the seeded names, email addresses, postal addresses, page tokens or words in any log', () => {
    expect(log.length).toBeGreaterThan(0);
    const seeded = [
      ...seededValues(),
      ...pageTokens.map((value) => ({ kind: 'page token' as const, value })),
    ];
    expect(pageTokens).toHaveLength(3);
    const findings = findPersonalData(log, seeded);
    expect(findings, describeFindings(findings)).toEqual([]);
  });

  it('captured the launcher, the worker and the API, and their lines about the incident carry its ids', () => {
    const entries = log
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const by = (name: string) => entries.filter((e) => e.name === name);
    expect(by('launcher').length).toBeGreaterThan(0);
    expect(by('worker').length).toBeGreaterThan(10);
    expect(by('api').length).toBeGreaterThan(10);
    // The API's requests on /api/incidents/:id and the worker's activities of its workflows.
    const apiLines = by('api').filter((e) => e.incidentId === incidentId);
    expect(apiLines.length).toBeGreaterThan(0);
    for (const e of apiLines) expect(e.workflowId).toBe(`incident-${incidentId}`);
    const workerLines = by('worker').filter((e) => e.incidentId === incidentId);
    expect(workerLines.length).toBeGreaterThan(0);
    expect(workerLines.some((e) => e.activityType === 'deliverBatch')).toBe(true);
    // Every worker line naming a workflow of the incident carries the incident's id.
    const aboutIncident = by('worker').filter(
      (e) => typeof e.workflowId === 'string' && e.workflowId.startsWith(`incident-${incidentId}`),
    );
    expect(aboutIncident.length).toBeGreaterThan(0);
    for (const e of aboutIncident) expect(e.incidentId, JSON.stringify(e)).toBe(incidentId);
  });

  it("answered the worker's readiness while it polled", () => {
    expect(workerReady).toMatchObject({
      status: 200,
      body: { status: 'ok', polling: true, database: 'ok', temporal: 'ok' },
    });
  });
});
