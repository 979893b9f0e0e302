import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deliveryOfReturnPath, returnPathFor } from '../../../core/delivery/return-path';

const bounces = { domain: 'bounces.example.test', key: randomBytes(32) };

describe('return paths', () => {
  it('names its delivery, and is read back to it (case folded by a mail system included)', () => {
    const address = returnPathFor(bounces, 123_456)!;
    expect(address).toMatch(/^bounces\+2n9c-[0-9a-f]{20}@bounces\.example\.test$/);
    expect(address.length).toBeLessThan(64 + 1 + 20);
    expect(deliveryOfReturnPath(bounces, address)).toBe(123_456);
    expect(deliveryOfReturnPath(bounces, address.toUpperCase())).toBe(123_456);
  });

  it('refuses a return path it did not issue: another id with the same tag, a changed tag, another key or domain', () => {
    const address = returnPathFor(bounces, 42)!;
    const [local, domain] = address.split('@') as [string, string];
    const tag = local.split('-')[1]!;
    expect(deliveryOfReturnPath(bounces, `bounces+${(43).toString(36)}-${tag}@${domain}`)).toBeNull();
    const flipped = `${tag.slice(0, -1)}${tag.endsWith('0') ? '1' : '0'}`;
    expect(deliveryOfReturnPath(bounces, `bounces+${(42).toString(36)}-${flipped}@${domain}`)).toBeNull();
    expect(deliveryOfReturnPath({ ...bounces, key: randomBytes(32) }, address)).toBeNull();
    expect(deliveryOfReturnPath(bounces, `${local}@other.example.test`)).toBeNull();
    expect(deliveryOfReturnPath(bounces, `postmaster@${domain}`)).toBeNull();
  });

  it('is off without a bounce domain: the sender keeps the From address', () => {
    expect(returnPathFor({ ...bounces, domain: null }, 1)).toBeNull();
    expect(deliveryOfReturnPath({ ...bounces, domain: null }, returnPathFor(bounces, 1)!)).toBeNull();
  });
});
