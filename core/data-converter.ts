import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import proto from '@temporalio/proto';
import { sha256Hex } from './hash';

// @temporalio/proto is CommonJS: under plain Node ESM only its default export is importable.
const { temporal } = proto;

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';

/**
 * Encrypts every payload (inputs, results, update arguments, heartbeats) with AES-256-GCM before it
 * reaches the Temporal server, so its histories hold no readable business or personal data even
 * though the workflows already pass only ids. The key id in the metadata lets keys rotate:
 * payloads written under an old key stay readable while it is still listed.
 */
export class AesGcmCodec implements PayloadCodec {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentKeyId: string;

  constructor(key: Buffer, previousKeys: Buffer[] = []) {
    if (key.length !== 32) throw new Error('the payload encryption key must be 32 bytes');
    this.currentKeyId = keyId(key);
    for (const k of [key, ...previousKeys]) this.keys.set(keyId(k), k);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.currentKeyId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCODING),
          [KEY_ID]: Buffer.from(this.currentKeyId),
        },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      // A payload this codec did not encrypt was written by someone without the key (a client or
      // UI pointed at the Temporal frontend): refused, so it cannot start, signal or update a
      // workflow, nor pose as an activity's result.
      if (Buffer.from(payload.metadata?.[METADATA_ENCODING_KEY] ?? []).toString() !== ENCODING) {
        throw new UnencryptedPayloadError();
      }
      const id = Buffer.from(payload.metadata?.[KEY_ID] ?? []).toString();
      const key = this.keys.get(id);
      if (!key) throw new Error(`no payload key with id ${id}: was PAYLOAD_ENCRYPTION_KEY changed?`);
      const data = Buffer.from(payload.data ?? []);
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(data.length - 16));
      const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/** Thrown when decoding a payload that was not encrypted with a payload key. */
export class UnencryptedPayloadError extends Error {
  override name = 'UnencryptedPayloadError';
  constructor() {
    super('refused a payload that is not encrypted with a payload key');
  }
}

/** Not secret: identifies which key encrypted a payload. */
function keyId(key: Buffer): string {
  return sha256Hex(key).slice(0, 12);
}

/**
 * core/failure-converter.cjs: failure messages and stack traces go into an encoded payload, so the
 * codec encrypts them too. Workflow bundles built apart from the worker name it as well
 * (scripts/build-workflows.ts, the tests' bundle).
 */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/**
 * The data converter both the worker and the API's client use: every payload encrypted under
 * `key`; payloads under `previousKeys` (PAYLOAD_PREVIOUS_KEYS, the keys it replaced) still decode.
 */
export function dataConverter(key: Buffer, previousKeys: readonly Buffer[] = []): DataConverter {
  return {
    payloadCodecs: [new AesGcmCodec(key, [...previousKeys])],
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}
