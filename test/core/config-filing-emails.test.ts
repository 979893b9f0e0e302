import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../core/config';

const base = {
  FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-config-')),
  PAYLOAD_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

describe('loadConfig: FILING_EMAILS', () => {
  it('is empty unless set, and maps rule ids to the addresses authorities take filings at', () => {
    expect(loadConfig(base).filing.emails).toEqual({});
    const config = loadConfig({ ...base, FILING_EMAILS: '{"US-MD.regulator":"breach@ag.example.org"}' });
    expect(config.filing.emails).toEqual({ 'US-MD.regulator': 'breach@ag.example.org' });
    expect(Object.isFrozen(config.filing.emails)).toBe(true);
  });

  it('refuses text that is not JSON, or an address that is not one, naming the variable', () => {
    expect(() => loadConfig({ ...base, FILING_EMAILS: 'US-MD.regulator=x@example.org' })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ ...base, FILING_EMAILS: 'US-MD.regulator=x@example.org' })).toThrow(
      /FILING_EMAILS/,
    );
    expect(() => loadConfig({ ...base, FILING_EMAILS: '{"US-MD.regulator":"not an address"}' })).toThrow(
      /FILING_EMAILS/,
    );
  });
});
