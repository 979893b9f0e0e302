import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../core/config';

const base = {
  FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-config-')),
  PAYLOAD_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  SMTP_POOL_SIZE: '7',
};

describe('loadConfig: SMTP_RELAYS', () => {
  it('is empty unless set (SMTP_URL alone), and reads each relay with its defaults', () => {
    expect(loadConfig(base).mail.relays).toEqual([]);
    expect(loadConfig(base).mail.relayCooldownMs).toBe(60_000);
    const config = loadConfig({
      ...base,
      SMTP_RELAY_COOLDOWN_SECONDS: '30',
      SMTP_RELAYS: JSON.stringify([
        { name: 'primary', url: 'smtps://u:p@smtp1.example.com:465', perHour: 50_000, weight: 3 },
        { name: 'backup', url: 'smtp://smtp2.example.com:587', connections: 2, priority: 2 },
      ]),
    });
    expect(config.mail.relays).toEqual([
      {
        name: 'primary',
        url: 'smtps://u:p@smtp1.example.com:465',
        perHour: 50_000,
        weight: 3,
        priority: 1,
        connections: 7,
      },
      { name: 'backup', url: 'smtp://smtp2.example.com:587', connections: 2, weight: 1, priority: 2 },
    ]);
    expect(config.mail.relayCooldownMs).toBe(30_000);
  });

  it('sends staff mail through SMTP_URL, or without it through the first relay by priority', () => {
    const relays = JSON.stringify([
      { name: 'backup', url: 'smtp://backup.example.com:587', priority: 2 },
      { name: 'primary', url: 'smtp://primary.example.com:587' },
    ]);
    expect(loadConfig({ ...base, SMTP_RELAYS: relays }).mail.smtpUrl).toBe('smtp://primary.example.com:587');
    expect(
      loadConfig({ ...base, SMTP_RELAYS: relays, SMTP_URL: 'smtp://staff.example.com:25' }).mail.smtpUrl,
    ).toBe('smtp://staff.example.com:25');
    expect(loadConfig(base).mail.smtpUrl).toBe('smtp://127.0.0.1:1025');
  });

  it('refuses what is not a list of relays, naming the variable and the field', () => {
    const load = (value: unknown) => () =>
      loadConfig({ ...base, SMTP_RELAYS: typeof value === 'string' ? value : JSON.stringify(value) });
    expect(load('primary=smtp://x')).toThrow(ConfigError);
    expect(load('primary=smtp://x')).toThrow(/SMTP_RELAYS: must be a JSON array/);
    expect(load([])).toThrow(/SMTP_RELAYS: must name at least one relay/);
    expect(load([{ name: 'a', url: 'http://x' }])).toThrow(/SMTP_RELAYS\.0\.url/);
    expect(load([{ name: 'a b', url: 'smtp://x' }])).toThrow(/SMTP_RELAYS\.0\.name/);
    expect(load([{ name: 'a', url: 'smtp://x', perHour: 0 }])).toThrow(/SMTP_RELAYS\.0\.perHour/);
    expect(load([{ name: 'a', url: 'smtp://x', pace: 3 }])).toThrow(/SMTP_RELAYS\.0/);
    expect(
      load([
        { name: 'a', url: 'smtp://x' },
        { name: 'A', url: 'smtp://y' },
      ]),
    ).toThrow(/SMTP_RELAYS\.1\.name: "a" is named twice/);
  });
});
