import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger';
import { findPersonalData } from '../helpers/personal-data';
import type { Seeded } from '../helpers/personal-data';

/**
 * The checker of test/e2e/no-personal-data-in-logs.test.ts can fail: a value logged on purpose
 * through the product's own logger, under a field the logger does not redact, is found in each
 * form a log writes it; the same values under the redacted fields are not.
 */
describe('findPersonalData', () => {
  const seeded: Seeded[] = [
    { kind: 'name', value: "Perpetua O'Quillfeather" },
    { kind: 'email', value: 'perpetua.quill+news@feather-mail.example' },
    { kind: 'postal address', value: '17 Zephyrine Crescent' },
    { kind: 'page token', value: 'c0ffee'.repeat(10) },
  ];
  const logged = (write: (log: ReturnType<typeof createLogger>) => void) => {
    const lines: string[] = [];
    const log = createLogger(
      'info',
      'api',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    write(log);
    return lines.join('');
  };

  it('finds each value logged on purpose, as written, in a URL and JSON-escaped', () => {
    const log = logged((log) => {
      log.info({ customer: { name: seeded[0]!.value } }, 'a careless line');
      log.info(
        { path: `/api/support/cases?email=${encodeURIComponent(seeded[1]!.value)}` },
        'a careless url',
      );
      log.info({ note: `posted to "${seeded[2]!.value}"` }, 'a careless address');
      log.warn(`page /n/${seeded[3]!.value} missed`);
    });
    const found = findPersonalData(log, seeded);
    expect(found.map((f) => f.kind)).toEqual(['name', 'email', 'postal address', 'page token']);
  });

  it('finds nothing when the same values go under the redacted fields and through the URL redaction', () => {
    const log = logged((log) => {
      log.info({ fullName: seeded[0]!.value, email: seeded[1]!.value }, 'a careful line');
      log.info({ customer: { fullName: seeded[0]!.value, recipient: seeded[1]!.value } }, 'nested');
      log.info(
        {
          req: { method: 'GET', url: `/n/${seeded[3]!.value}?email=${encodeURIComponent(seeded[1]!.value)}` },
        },
        'incoming request',
      );
    });
    expect(log).toContain('[redacted]');
    expect(findPersonalData(log, seeded)).toEqual([]);
  });
});
