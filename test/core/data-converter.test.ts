import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure, METADATA_ENCODING_KEY, defaultPayloadConverter } from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config';
import { AesGcmCodec, UnencryptedPayloadError, dataConverter } from '../../core/data-converter';

describe('AesGcmCodec', () => {
  const codec = new AesGcmCodec(randomBytes(32));
  const payload = defaultPayloadConverter.toPayload({ decisionId: 'd-1' });

  it('decodes what it encoded, and the encoded bytes do not show the value', async () => {
    const [encoded] = await codec.encode([payload]);
    expect(Buffer.from(encoded!.data!).toString('latin1')).not.toContain('decisionId');
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ decisionId: 'd-1' });
  });

  it('refuses a payload that was not encrypted (a client without the key)', async () => {
    await expect(codec.decode([payload])).rejects.toThrow(UnencryptedPayloadError);
    const bare = { metadata: {}, data: Buffer.from('{}') };
    await expect(codec.decode([bare])).rejects.toThrow(UnencryptedPayloadError);
    expect(Buffer.from(payload.metadata![METADATA_ENCODING_KEY]!).toString()).toBe('json/plain');
  });

  it('refuses a payload encrypted under another key, or altered', async () => {
    const [foreign] = await new AesGcmCodec(randomBytes(32)).encode([payload]);
    await expect(codec.decode([foreign!])).rejects.toThrow(/no payload key/);
    const [encoded] = await codec.encode([payload]);
    const data = Buffer.from(encoded!.data!);
    data[20] = data[20]! ^ 1;
    await expect(codec.decode([{ ...encoded!, data }])).rejects.toThrow();
  });
});

describe('payload key rotation', () => {
  const payload = defaultPayloadConverter.toPayload({ incidentId: 'i-1' });
  const keyIdOf = (p: { metadata?: Record<string, Uint8Array> | null }) =>
    Buffer.from(p.metadata!['encryption-key-id']!).toString();

  it('keeps decoding payloads of the previous key; new payloads use the current key', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const [underOldKey] = await new AesGcmCodec(oldKey).encode([payload]);

    // PAYLOAD_ENCRYPTION_KEY=<new>, PAYLOAD_PREVIOUS_KEYS=<old>, as loadConfig passes them.
    const config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-keys-')),
      PAYLOAD_ENCRYPTION_KEY: newKey.toString('base64'),
      PAYLOAD_PREVIOUS_KEYS: oldKey.toString('base64'),
    });
    const { payloadCodecs } = dataConverter(config.temporal.payloadKey, config.temporal.previousPayloadKeys);
    const rotated = payloadCodecs![0]!;
    const [decoded] = await rotated.decode([underOldKey!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ incidentId: 'i-1' });

    const [fresh] = await rotated.encode([payload]);
    const [alsoFresh] = await new AesGcmCodec(newKey).encode([payload]);
    expect(keyIdOf(fresh!)).toBe(keyIdOf(alsoFresh!));
    expect(keyIdOf(fresh!)).not.toBe(keyIdOf(underOldKey!));
    // Once the old key is dropped from the list, its payloads no longer open.
    await expect(new AesGcmCodec(newKey).decode([underOldKey!])).rejects.toThrow(/no payload key/);
  });

  it('refuses a malformed previous key at start, naming the variable', () => {
    expect(() =>
      loadConfig({
        FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-keys-')),
        PAYLOAD_PREVIOUS_KEYS: 'not-a-key',
      }),
    ).toThrow(/PAYLOAD_PREVIOUS_KEYS/);
  });
});

describe('failure converter', () => {
  it('encodes failure messages and stack traces, so the codec encrypts them too', async () => {
    const key = randomBytes(32);
    const loaded = loadDataConverter(dataConverter(key));
    const error = ApplicationFailure.nonRetryable('relay refused alice@example.com', 'Refused');
    const failure = loaded.failureConverter.errorToFailure(error, loaded.payloadConverter);
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(JSON.stringify(failure)).not.toContain('alice@example.com');

    // Through the codec, as the SDK sends it: encrypted; and back again to the real message.
    const [sealed] = await loaded.payloadCodecs[0]!.encode([failure.encodedAttributes!]);
    expect(Buffer.from(sealed!.data!).toString('latin1')).not.toContain('alice@example.com');
    const [opened] = await loaded.payloadCodecs[0]!.decode([sealed!]);
    const back = loaded.failureConverter.failureToError(
      { ...failure, encodedAttributes: opened },
      loaded.payloadConverter,
    );
    expect(back.message).toBe('relay refused alice@example.com');
  });
});
