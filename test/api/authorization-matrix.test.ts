import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routesOf } from '../../api/app';
import type { App } from '../../api/app';
import { deactivate } from '../../core/db/users';
import { ROLES, type Role } from '../../core/domain/model';
import { startApiOnly } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { newUser } from '../helpers/factories';
import { bearer } from '../helpers/system';

/**
 * THE table of who may call what: every route the app answers, and the roles it admits ('public':
 * anyone, signed in or not; 'webhook secret' and 'metrics token': no member of staff, only a caller
 * with the shared secret or METRICS_TOKEN, which none of the callers here holds, so every one of
 * them gets 401). The test enumerates
 * the routes from the app itself, so a route added without a line here fails the suite, and a line
 * here that the route does not honour fails its cell.
 */
const STAFF = ROLES;
const ACCESS: Record<string, readonly Role[] | 'public' | 'webhook secret' | 'metrics token'> = {
  'GET /healthz': 'public',
  'GET /livez': 'public',
  'GET /readyz': 'public',
  'GET /api/version': 'public',
  'GET /console': 'public',
  'GET /console/*': 'public',
  'GET /console/config.json': 'public',
  'GET /console/sign-in.json': 'public',
  'GET /console/session': STAFF,
  'GET /docs': 'public',
  'GET /docs/json': 'public',
  'GET /docs/yaml': 'public',
  'GET /docs/static/index.html': 'public',
  'GET /docs/static/swagger-initializer.js': 'public',
  'GET /docs/static/*': 'public',
  'GET /n/:token': 'public',
  // A substitute notice's website posting: public by law (no personal data on it).
  'GET /incident-notice/:publicId': 'public',
  'POST /n/:token/acknowledge': 'public',
  // The page's question form: the page token is the credential (core/use-cases/questions.ts).
  'POST /n/:token/questions': 'public',
  'POST /n/:token/reminders': 'public',
  // Signing in and out: open to anyone by nature (the provider decides who gets a session).
  'GET /auth/oidc/login': 'public',
  'GET /auth/oidc/callback': 'public',
  'POST /auth/sign-out': 'public',

  'POST /api/incidents': ['officer', 'compliance', 'admin'],
  'GET /api/incidents': STAFF,
  'GET /api/incidents/:id': STAFF,
  // Who was affected, in bulk: not for support, who look up one case at a time (and are audited).
  'GET /api/incidents/:id/affected': ['officer', 'compliance', 'admin'],
  // A correction of a frozen recipient: its own audited action.
  'PATCH /api/incidents/:id/affected/:customerId/recipient': ['compliance'],
  'POST /api/incidents/:id/dossier': ['compliance', 'admin'],
  // Retention after closure: what is due and what was purged, and purging now; admins only.
  'GET /api/retention': ['admin'],
  'POST /api/retention/:id/purge': ['admin'],
  // Letter batches: counts for those who run the incident; the files (names and addresses) and the
  // mail house's answers for officers and compliance only.
  'GET /api/incidents/:id/letters': ['officer', 'compliance', 'admin'],
  'GET /api/incidents/:id/letters/:batchId/files/:name': ['officer', 'compliance'],
  'POST /api/incidents/:id/letters/posted': ['officer', 'compliance'],
  'POST /api/incidents/:id/letters/returned': ['officer', 'compliance'],
  'GET /api/incidents/:id/delivery': STAFF,
  'GET /api/incidents/:id/timeline': STAFF,
  'GET /api/incidents/:id/notices': ['officer', 'compliance', 'admin'],
  'POST /api/incidents/:id/approval': ['compliance'],
  'PUT /api/incidents/:id/notice': ['officer', 'compliance'],
  'GET /api/incidents/:id/obligations': STAFF,
  'GET /api/incidents/:id/unplaced': STAFF,
  'POST /api/incidents/:id/obligations/:obligationId/delay': ['compliance', 'officer'],
  'POST /api/incidents/:id/obligations/:obligationId/hold-lifted': ['compliance', 'officer'],
  'POST /api/incidents/:id/hold': ['compliance', 'officer'],
  'POST /api/incidents/:id/hold-lifted': ['compliance', 'officer'],
  'POST /api/incidents/:id/reassessment': ['compliance'],
  // Determinations: read by staff; proposed, decided (by a second person) and withdrawn by compliance.
  'GET /api/incidents/:id/determinations': STAFF,
  'POST /api/incidents/:id/determinations': ['compliance'],
  'POST /api/incidents/:id/determinations/:determinationId/decision': ['compliance'],
  'POST /api/incidents/:id/determinations/:determinationId/withdrawal': ['compliance'],
  'GET /api/incidents/:id/prior-filings': STAFF,
  // Remediation codes: imported and followed up by those who run the incident; the figures for staff.
  'POST /api/incidents/:id/remediation-codes': ['officer', 'compliance'],
  'GET /api/incidents/:id/remediation-codes': ['officer', 'compliance', 'admin'],
  'GET /api/incidents/:id/remediation-codes/without': ['officer', 'compliance'],
  // Notices held after a restore (core/use-cases/restores.ts): compliance decides.
  'GET /api/incidents/:id/held-notices': ['officer', 'compliance', 'admin'],
  'POST /api/incidents/:id/held-notices/confirm-sent': ['compliance'],
  'POST /api/incidents/:id/held-notices/release': ['compliance'],
  // Filings with their proof: sent or recorded by compliance; the receipts for those who run the incident.
  // Filing packets (core/use-cases/packets.ts): read by all staff; written by those who run the
  // incident; decided by compliance (four eyes, in the use case).
  'GET /api/incidents/:id/packets': STAFF,
  'GET /api/incidents/:id/packets/:packetId': STAFF,
  'GET /api/incidents/:id/packets/:packetId/export.pdf': STAFF,
  'GET /api/incidents/:id/packets/:packetId/export.json': STAFF,
  'POST /api/incidents/:id/packets/:packetId/revision': ['officer', 'compliance'],
  'POST /api/incidents/:id/packets/:packetId/decision': ['compliance'],
  'POST /api/incidents/:id/obligations/:obligationId/supplements': ['officer', 'compliance'],
  'POST /api/incidents/:id/packets/:packetId/send': ['compliance'],
  'POST /api/incidents/:id/packets/:packetId/filing': ['compliance'],
  'GET /api/incidents/:id/filings': STAFF,
  'GET /api/incidents/:id/filings/:filingId/receipt': ['compliance', 'officer'],
  'GET /api/incidents/:id/filings/:filingId/message': ['compliance', 'officer'],
  'POST /api/incidents/:id/obligations/:obligationId/prior-filing-override': ['compliance'],
  'GET /api/incidents/:id/amendments': STAFF,
  'POST /api/incidents/:id/amendments': ['officer', 'compliance'],
  'POST /api/incidents/:id/amendments/:version/decision': ['compliance'],
  'PUT /api/incidents/:id/amendments/:version/notice': ['officer', 'compliance'],
  // Substitute notice: read by staff; reviews and revised texts by those who run the incident;
  // decisions on the texts and what was done (media, toll-free line) by compliance.
  'GET /api/incidents/:id/substitute-notices': STAFF,
  'POST /api/incidents/:id/substitute-notices/review': ['officer', 'compliance'],
  'POST /api/incidents/:id/substitute-notices/texts': ['officer', 'compliance'],
  'POST /api/incidents/:id/substitute-notices/texts/:noticeId/decision': ['compliance'],
  // Further mailings (issue 17 items 1 and 3): supplements, reminders, updates.
  'GET /api/incidents/:id/mailings': STAFF,
  'GET /api/incidents/:id/follow-ups': STAFF,
  'POST /api/incidents/:id/follow-ups': ['officer', 'compliance'],
  'POST /api/incidents/:id/follow-ups/:noticeId/decision': ['compliance'],
  'POST /api/incidents/:id/substitute-notices/:substituteId/elements': ['compliance'],
  'GET /api/rules': STAFF,
  'POST /api/rules/preview': STAFF,
  'GET /api/notice-templates/preapproved': STAFF,
  'POST /api/notice-templates/preapproved': ['compliance'],
  'GET /api/notice-templates/preapproved/proposal': STAFF,
  'POST /api/notice-templates/preapproved/:id/confirmation': ['compliance'],

  'POST /api/inventory/customers': ['admin', 'officer'],
  'POST /api/inventory/holdings': ['admin', 'officer'],
  'GET /api/inventory/summary': STAFF,

  'GET /api/support/cases': ['support', 'compliance', 'admin'],
  'GET /api/support/questions': ['support', 'compliance'],
  'POST /api/support/questions/:id/answer': ['support', 'compliance'],

  'GET /api/me': STAFF,
  'GET /api/users': ['admin'],
  'POST /api/users': ['admin'],
  'DELETE /api/users/:id': ['admin'],
  'POST /api/users/invitations': ['admin'],
  'POST /api/users/:id/sign-out': ['admin'],
  'DELETE /api/users/:id/token': ['admin'],

  // Prometheus: METRICS_TOKEN, never a staff token (test/api/metrics.test.ts).
  'GET /metrics': 'metrics token',
  // Relays' reports about sent notices: the relay's shared secret, never a staff token (test/api/bounces.test.ts).
  'POST /api/bounces': 'webhook secret',
};

/** Who knocks: each role, and the callers who must get 401 on every protected route. */
type Caller = Role | 'no token' | 'invalid token' | 'deactivated user' | 'expired token';
const REFUSED: Caller[] = ['no token', 'invalid token', 'deactivated user', 'expired token'];

/** A concrete URL for a route pattern: parameters and wildcards filled with values that match nothing. */
function concrete(url: string): string {
  return url
    .replace(/:token\b/g, randomBytes(32).toString('hex'))
    .replace(/:[A-Za-z]+/g, () => randomUUID())
    .replace(/\*$/, 'index.html');
}

describe('authorization matrix (every route × every caller)', () => {
  let db: TestDatabase;
  let app: App;
  let api: Awaited<ReturnType<typeof startApiOnly>>;
  const tokens = {} as Record<Caller, string | undefined>;

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startApiOnly(db, { HTTP_BODY_LIMIT_KB: '64', IMPORT_BODY_LIMIT_MB: '1' });
    app = api.app;
    for (const role of ROLES) {
      tokens[role] = (await newUser(db.pool, { role, email: `${role}@matrix.example.com` })).token;
    }
    tokens['no token'] = undefined;
    tokens['invalid token'] = randomBytes(24).toString('base64url');
    const gone = await newUser(db.pool, { role: 'admin', email: 'gone@matrix.example.com' });
    await deactivate(db.pool, gone.user.id);
    tokens['deactivated user'] = gone.token;
    const expired = await newUser(db.pool, { role: 'admin', email: 'expired@matrix.example.com' });
    await db.pool.query(`UPDATE users SET token_expires_at = now() - interval '1 minute' WHERE id = $1`, [
      expired.user.id,
    ]);
    tokens['expired token'] = expired.token;
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  // Each request from its own address: the failed sign-ins this test makes by the hundred would
  // otherwise trip the sign-in throttle (429) for the one address app.inject uses.
  let requests = 0;
  const call = (method: string, url: string, caller: Caller, body?: string) =>
    app.inject({
      method: method as 'GET',
      url,
      remoteAddress: `10.${(++requests >> 16) & 255}.${(requests >> 8) & 255}.${requests & 255}`,
      headers: {
        ...(tokens[caller] ? bearer(tokens[caller]) : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      payload: body,
    });

  it('has one line in the table for every route the app answers, and no line for a route it lacks', () => {
    const routes = routesOf(app).map((r) => `${r.method} ${r.url}`);
    expect(routes.length).toBeGreaterThan(30);
    expect(
      routes.filter((r) => !(r in ACCESS)),
      'routes missing from ACCESS',
    ).toEqual([]);
    expect(
      Object.keys(ACCESS).filter((r) => !routes.includes(r)),
      'ACCESS lines with no route',
    ).toEqual([]);
  });

  it('answers every cell as the table says', async () => {
    const wrong: string[] = [];
    for (const { method, url } of routesOf(app)) {
      const access = ACCESS[`${method} ${url}`];
      if (!access) continue; // reported by the test above
      // A body that matches no schema: an admitted caller gets a 400 or 404, and nothing changes.
      const body = ['POST', 'PUT', 'PATCH'].includes(method) ? '{}' : undefined;
      for (const caller of [...ROLES, ...REFUSED]) {
        const expected =
          access === 'public'
            ? 'admitted'
            : access === 'webhook secret' || access === 'metrics token' || REFUSED.includes(caller)
              ? 401
              : access.includes(caller as Role)
                ? 'admitted'
                : 403;
        const { statusCode } = await call(method, concrete(url), caller, body);
        const got = statusCode === 401 || statusCode === 403 ? statusCode : 'admitted';
        if (got !== expected)
          wrong.push(`${method} ${url} as ${caller}: ${statusCode}, expected ${expected}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses before reading the body: a stranger’s large upload is a 401, not a 413', async () => {
    const large = JSON.stringify([{ externalId: 'x'.repeat(2 * 1024 * 1024) }]);
    expect((await call('POST', '/api/inventory/customers', 'no token', large)).statusCode).toBe(401);
    expect((await call('POST', '/api/incidents', 'support', large)).statusCode).toBe(403);
  });

  it('limits bodies per route: imports may be larger than anything else', async () => {
    const medium = JSON.stringify({ title: 'x'.repeat(200 * 1024) });
    // 200 KB: over the general limit (64 KB here), under the import limit (1 MB here).
    expect((await call('POST', '/api/incidents', 'officer', medium)).statusCode).toBe(413);
    expect((await call('POST', '/api/inventory/customers', 'officer', medium)).statusCode).not.toBe(413);
    const large = JSON.stringify({ rows: 'x'.repeat(2 * 1024 * 1024) });
    expect((await call('POST', '/api/inventory/customers', 'officer', large)).statusCode).toBe(413);
  });
});
