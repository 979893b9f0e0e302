import { describe, expect, it } from 'vitest';
import { MissThrottle, WindowCounter } from '../../api/miss-throttle';

describe('WindowCounter', () => {
  it('allows max events per key per window, then says how long to wait, and starts again after', () => {
    const counter = new WindowCounter({ max: 2, windowMs: 10_000 });
    const t = 1_000_000;
    expect([counter.hit('a', t), counter.hit('a', t + 1), counter.hit('a', t + 2_500)]).toEqual([
      null,
      null,
      8,
    ]);
    expect(counter.hit('b', t + 2_500)).toBeNull();
    expect(counter.hit('a', t + 10_000)).toBeNull();
  });

  it('holds at most maxKeys keys: expired ones make room, and a key it cannot hold is not refused', () => {
    const counter = new WindowCounter({ max: 1, windowMs: 1_000 }, 2);
    const t = 5_000;
    counter.hit('a', t);
    counter.hit('b', t);
    // Full, nothing expired: 'c' is not tracked (other limits, such as a total, still hold).
    expect([counter.hit('c', t), counter.hit('c', t)]).toEqual([null, null]);
    // Once 'a' and 'b' have expired they make room, and 'c' is counted.
    expect([counter.hit('c', t + 1_000), counter.hit('c', t + 1_000)]).toEqual([null, 1]);
  });
});

describe('MissThrottle', () => {
  it('throttles one address past its limit, and everyone past the total', () => {
    const throttled: unknown[] = [];
    const throttle = new MissThrottle(
      { perAddress: { max: 2, windowMs: 60_000 }, total: { max: 5, windowMs: 60_000 } },
      (who) => throttled.push(who),
    );
    const t = 0;
    expect([throttle.miss('x', t), throttle.miss('x', t), throttle.miss('x', t)]).toEqual([null, null, 60]);
    expect([throttle.miss('y', t), throttle.miss('z', t)]).toEqual([null, null]);
    // The total (5) is reached: a fresh address's miss is throttled too.
    expect(throttle.miss('w', t + 30_000)).toBe(30);
    expect(throttle.miss('w', t + 60_000)).toBeNull();
    // Said once per address and once for the total, not once per refused miss.
    throttle.miss('x', t + 1);
    expect(throttled).toEqual([{ address: 'x' }, { total: true }]);
  });
});
