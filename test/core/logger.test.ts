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

describe('createLogger errors', () => {
  it("keeps an error's message and fields but cuts every email address in them", () => {
    const lines: string[] = [];
    const log = createLogger(
      'info',
      'worker',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const refusal = Object.assign(
      new Error(
        "Can't send mail - all recipients were rejected: 550 5.1.1 <zed.quill@example.org>: no such user",
      ),
      {
        rejected: ['zed.quill@example.org'],
        response: '550 5.1.1 <zed.quill@example.org>',
        responseCode: 550,
      },
    );
    log.error({ err: refusal }, 'send failed');
    log.error({ err: new Error('answer not sent', { cause: refusal }) }, 'activity failed');
    const [own, wrapped] = lines.map((l) => JSON.parse(l) as { err: Record<string, unknown> });
    expect(own!.err).toMatchObject({
      message: "Can't send mail - all recipients were rejected: 550 5.1.1 <[email]>: no such user",
      rejected: ['[email]'],
      response: '550 5.1.1 <[email]>',
      responseCode: 550,
    });
    // pino writes the cause's message after the error's own.
    expect(wrapped!.err.message).toBe(
      "answer not sent: Can't send mail - all recipients were rejected: 550 5.1.1 <[email]>: no such user",
    );
    expect(lines.join('')).not.toContain('zed.quill');
  });
});
