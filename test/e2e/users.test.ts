import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { startSmtpSink } from '../helpers/smtp';
import type { SmtpSink } from '../helpers/smtp';
import { bearer, startSystem } from '../helpers/system';
import type { TestSystem } from '../helpers/system';

describe('users API', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let system: TestSystem;

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    system = await startSystem(db, smtp.url);
  });

  afterAll(async () => {
    await system?.stop();
    await smtp?.close();
    await db?.drop();
  });

  it('tells a token who it belongs to', async () => {
    const me = await system.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: bearer(system.tokens.support),
    });
    expect(me.json()).toMatchObject({ role: 'support', email: 'support@staff.example.com' });
  });

  it('lets an admin issue a token, and revoke it by deactivating the user', async () => {
    const byOfficer = await system.app.inject({
      method: 'GET',
      url: '/api/users',
      headers: bearer(system.tokens.officer),
    });
    expect(byOfficer.statusCode).toBe(403);

    const bad = await system.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(system.tokens.admin),
      payload: { email: 'x', displayName: 'X', role: 'officer' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('email');

    const created = await system.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(system.tokens.admin),
      payload: { email: 'new.officer@staff.example.com', displayName: 'New Officer', role: 'officer' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { user, token } = created.json();
    expect(
      (await system.app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).statusCode,
    ).toBe(200);

    const list = (
      await system.app.inject({ method: 'GET', url: '/api/users', headers: bearer(system.tokens.admin) })
    ).json();
    expect(list.items.map((u: { email: string }) => u.email)).toContain('new.officer@staff.example.com');

    const removed = await system.app.inject({
      method: 'DELETE',
      url: `/api/users/${user.id}`,
      headers: bearer(system.tokens.admin),
    });
    expect(removed.statusCode).toBe(204);
    expect(
      (await system.app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).statusCode,
    ).toBe(401);
    const self = await system.app.inject({
      method: 'DELETE',
      url: `/api/users/${system.staff.admin.id}`,
      headers: bearer(system.tokens.admin),
    });
    expect(self.statusCode).toBe(409);
  });
});
