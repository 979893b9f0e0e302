import { Client } from '@temporalio/client';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startSmtpSink } from '../helpers/smtp';
import { createTimeSkippingEnv, devServerClient } from '../helpers/temporal';

// Proves the shared test infrastructure works, so a failure elsewhere is not blamed on it.

describe('createTestDatabase', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(databases.map((d) => d.drop()));
  });

  it('gives each caller its own migrated database', async () => {
    const a = await createTestDatabase();
    const b = await createTestDatabase();
    databases.push(a, b);
    expect(a.url).not.toBe(b.url);
    const { rows } = await a.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0]!.n).toBeGreaterThanOrEqual(1);
    await a.pool.query(
      `INSERT INTO customers (external_id, full_name, email, country) VALUES ('c1', 'A', 'a@example.com', 'DE')`,
    );
    const counts = await Promise.all(
      [a, b].map((d) => d.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM customers')),
    );
    expect(counts.map((c) => c.rows[0]!.n)).toEqual([1, 0]);
  });

  it('drops the database', async () => {
    const db = await createTestDatabase();
    const name = new URL(db.url).pathname.slice(1);
    await db.drop();
    const other = await createTestDatabase();
    databases.push(other);
    const { rowCount } = await other.pool.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    expect(rowCount).toBe(0);
  });
});

describe('startSmtpSink', () => {
  it('receives and parses a message sent over SMTP', async () => {
    const sink = await startSmtpSink();
    const transport = nodemailer.createTransport(sink.url);
    try {
      await transport.sendMail({
        from: 'Privacy <privacy@example.com>',
        to: 'ana@example.org',
        subject: 'Über Ihre Daten',
        text: 'plain part',
        html: '<p>html part</p>',
        messageId: '<fixed-1@forthright.test>',
        headers: { 'X-Forthright-Reference': 'ABC-123' },
      });
      await sink.waitFor(1, 5000);
      const [message] = sink.messages;
      expect(message).toMatchObject({
        envelopeFrom: 'privacy@example.com',
        envelopeTo: ['ana@example.org'],
        messageId: '<fixed-1@forthright.test>',
        subject: 'Über Ihre Daten',
      });
      expect(message!.text.trim()).toBe('plain part');
      expect(message!.html).toContain('<p>html part</p>');
      expect(message!.headers['x-forthright-reference']).toBe('ABC-123');
      expect(sink.acceptedByRecipient.get('ana@example.org')).toBe(1);
    } finally {
      transport.close();
      await sink.close();
    }
  });

  it('refuses with the injected reply, at RCPT or after DATA, and accepts a retry', async () => {
    const sink = await startSmtpSink({
      fault: (recipient, attempt) => {
        if (recipient === 'gone@example.org') return { at: 'rcpt', code: 550, message: 'No such user' };
        if (recipient === 'busy@example.org' && attempt === 1)
          return { at: 'data', code: 451, message: 'Try again later' };
        return undefined;
      },
    });
    const transport = nodemailer.createTransport(sink.url);
    const send = (to: string) =>
      transport.sendMail({ from: 'privacy@example.com', to, subject: 's', text: 't' });
    try {
      await expect(send('gone@example.org')).rejects.toMatchObject({ responseCode: 550 });
      await expect(send('busy@example.org')).rejects.toMatchObject({ responseCode: 451 });
      await send('busy@example.org');
      expect(sink.messages.map((m) => m.envelopeTo)).toEqual([['busy@example.org']]);
      expect(sink.refusals).toEqual([
        { recipient: 'gone@example.org', at: 'rcpt', code: 550, message: 'No such user' },
        { recipient: 'busy@example.org', at: 'data', code: 451, message: 'Try again later' },
      ]);
    } finally {
      transport.close();
      await sink.close();
    }
  });

  it('counts without parsing in countOnly mode', async () => {
    const sink = await startSmtpSink({ countOnly: true });
    const transport = nodemailer.createTransport({ url: sink.url, pool: true, maxConnections: 2 } as never);
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          transport.sendMail({
            from: 'privacy@example.com',
            to: `c${i}@example.net`,
            subject: 's',
            text: 't',
          }),
        ),
      );
      await sink.waitFor(20, 5000);
      expect(sink.acceptedCount).toBe(20);
      expect(sink.messages).toHaveLength(0);
      expect(sink.acceptedByRecipient.size).toBe(20);
    } finally {
      transport.close();
      await sink.close();
    }
  });
});

describe('createTimeSkippingEnv', () => {
  it('skips three days at once', async () => {
    const env = await createTimeSkippingEnv();
    try {
      const before = await env.currentTimeMs();
      const started = Date.now();
      await env.sleep('3 days');
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(3 * 24 * 3600 * 1000);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await env.teardown();
    }
  });
});

describe('devServerClient', () => {
  it('reaches the shared dev server', async () => {
    const { client, connection, close } = await devServerClient();
    try {
      expect(client).toBeInstanceOf(Client);
      const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(namespaceInfo?.name).toBe('default');
    } finally {
      await close();
    }
  });
});
