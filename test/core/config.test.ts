import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../core/config';
import { temporalConnectionOptions } from '../../core/temporal-connection';

const dir = mkdtempSync(join(tmpdir(), 'forthright-config-'));
const base = { FORTHRIGHT_DATA_DIR: dir, PAYLOAD_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };

describe('loadConfig', () => {
  it('names every bad variable at once', () => {
    expect(() => loadConfig({ ...base, SMTP_URL: 'http://x', DELIVERY_SHARDS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, SMTP_URL: 'http://x', DELIVERY_SHARDS: '0' })).toThrow(
      /SMTP_URL[\s\S]*DELIVERY_SHARDS/,
    );
  });

  it('refuses a client certificate without its key, naming the missing one', () => {
    expect(() => loadConfig({ ...base, TEMPORAL_TLS_CERT_PATH: '/x.pem' })).toThrow(/TEMPORAL_TLS_KEY_PATH/);
    expect(() => loadConfig({ ...base, TEMPORAL_TLS_KEY_PATH: '/x.key' })).toThrow(/TEMPORAL_TLS_CERT_PATH/);
  });
});

describe('loadConfig: page tokens', () => {
  it('generates PAGE_TOKEN_KEY once into the data folder, so the worker and the API share it', () => {
    const own = mkdtempSync(join(tmpdir(), 'forthright-config-'));
    const first = loadConfig({ ...base, FORTHRIGHT_DATA_DIR: own });
    expect(first.pageTokens.key).toHaveLength(32);
    expect(first.pageTokens.key.equals(first.temporal.payloadKey)).toBe(false);
    expect(
      loadConfig({ ...base, FORTHRIGHT_DATA_DIR: own }).pageTokens.key.equals(first.pageTokens.key),
    ).toBe(true);
    expect(first.pageTokens.days).toBe(400);
  });

  it('takes PAGE_TOKEN_KEY and PAGE_TOKEN_DAYS from the environment, and refuses a malformed key', () => {
    const key = Buffer.alloc(32, 9);
    const config = loadConfig({ ...base, PAGE_TOKEN_KEY: key.toString('base64'), PAGE_TOKEN_DAYS: '30' });
    expect(config.pageTokens.key.equals(key)).toBe(true);
    expect(config.pageTokens.days).toBe(30);
    expect(() => loadConfig({ ...base, PAGE_TOKEN_KEY: 'short', PAGE_TOKEN_DAYS: '0' })).toThrow(
      /PAGE_TOKEN_KEY[\s\S]*PAGE_TOKEN_DAYS/,
    );
  });
});

describe('temporalConnectionOptions', () => {
  it('connects in plain text to a local dev server by default', () => {
    expect(temporalConnectionOptions(loadConfig(base))).toEqual({ address: '127.0.0.1:7233', tls: false });
  });

  it('uses TLS with an API key for Temporal Cloud', () => {
    const options = temporalConnectionOptions(
      loadConfig({ ...base, TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'secret' }),
    );
    expect(options).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'secret' });
  });

  it('reads the client certificate, key and CA for mutual TLS', () => {
    const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
    const options = temporalConnectionOptions(
      loadConfig({
        ...base,
        TEMPORAL_TLS_CERT_PATH: file('client.pem', 'CERT'),
        TEMPORAL_TLS_KEY_PATH: file('client.key', 'KEY'),
        TEMPORAL_TLS_CA_PATH: file('ca.pem', 'CA'),
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      }),
    );
    expect(options.tls).toEqual({
      serverNameOverride: 'temporal.internal',
      serverRootCACertificate: Buffer.from('CA'),
      clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
    });
  });
});
