import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from '../../core/logger';

describe('redactUrl', () => {
  it('cuts the customer page token and every query value, keeping the parameter names', () => {
    const token = 'a'.repeat(64);
    expect(redactUrl(`/n/${token}`)).toBe('/n/[redacted]');
    expect(redactUrl(`/n/${token}/acknowledge`)).toBe('/n/[redacted]/acknowledge');
    expect(redactUrl(`/notices/n/${token}`)).toBe('/notices/n/[redacted]');
    expect(redactUrl('/api/support/cases?email=alice%40example.com')).toBe(
      '/api/support/cases?email=[redacted]',
    );
    expect(redactUrl('/api/support/cases?reference=FR-1234-5678&x=1')).toBe(
      '/api/support/cases?reference=[redacted]&x=[redacted]',
    );
    expect(redactUrl('/api/incidents/42')).toBe('/api/incidents/42');
  });
});

describe('createLogger with Fastify', () => {
  it('logs requests without the page token or the looked-up address', async () => {
    const lines: string[] = [];
    const sink = createLogger(
      'info',
      'test',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const app = Fastify({ loggerInstance: sink });
    app.get('/n/:token', async () => 'page');
    app.get('/api/support/cases', async () => ({ items: [] }));
    const token = 'b'.repeat(64);
    await app.inject({ method: 'GET', url: `/n/${token}` });
    await app.inject({ method: 'GET', url: '/api/support/cases?email=alice%40example.com' });
    await app.close();
    const log = lines.join('');
    expect(log).toContain('/n/[redacted]');
    expect(log).toContain('email=[redacted]');
    expect(log).not.toContain(token);
    expect(log).not.toMatch(/alice/);
  });
});
