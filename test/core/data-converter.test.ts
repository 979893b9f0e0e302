import { randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AesGcmCodec, UnencryptedPayloadError } from '../../core/data-converter';

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
