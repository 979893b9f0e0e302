import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiOnly } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

// Behind a load balancer every request comes from the balancer's address: unless the API believes
// its X-Forwarded-For (TRUST_PROXY), the customer page's rate limit throttles all customers at once.

const PROXY = '10.0.0.5';
const page = () => `/n/${randomBytes(32).toString('hex')}`;

describe('TRUST_PROXY and the customer page rate limit', () => {
  let db: TestDatabase;
  const apis: Awaited<ReturnType<typeof startApiOnly>>[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const api of apis) await api.close();
    await db?.drop();
  });

  /** Status codes of 31 requests through the proxy, from `clients` (cycled). */
  async function throughProxy(trustProxy: string, clients: string[]): Promise<number[]> {
    const api = await startApiOnly(db, { TRUST_PROXY: trustProxy });
    apis.push(api);
    const codes: number[] = [];
    for (let i = 0; i < 31; i++) {
      const response = await api.app.inject({
        method: 'GET',
        url: page(),
        remoteAddress: PROXY,
        headers: { 'x-forwarded-for': clients[i % clients.length]! },
      });
      codes.push(response.statusCode);
    }
    return codes;
  }

  it('with one trusted hop, keys on the client: many customers behind one proxy are not throttled', async () => {
    const clients = Array.from({ length: 31 }, (_, i) => `198.51.100.${i + 1}`);
    expect(await throughProxy('1', clients)).not.toContain(429);
    // One client still is, whatever the proxy.
    expect((await throughProxy('1', ['203.0.113.9'])).at(-1)).toBe(429);
  });

  it('by default believes no header: everyone behind the proxy shares its limit, and a forged header gains nothing', async () => {
    const clients = Array.from({ length: 31 }, (_, i) => `198.51.100.${i + 1}`);
    expect((await throughProxy('false', clients)).at(-1)).toBe(429);
  });
});
