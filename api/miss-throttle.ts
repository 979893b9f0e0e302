/*
 * Limits for public pages reached by a secret link (the customer page, /n/<token>; any other page
 * whose only credential is an unguessable token can use the same): they stop guessing, not people.
 * The substitute notice's posting (/incident-notice/<id>, api/routes/substitute-notice.ts) counts
 * its misses the same way; its id is published, so a posting that is up has no limit at all.
 *
 * What is counted is a MISS — a token that leads nowhere: unknown, expired, malformed — per client
 * address and in total. A valid token is never refused because of its address: behind a mobile
 * carrier's NAT, an office proxy or a family router thousands of people share one address, and each
 * of them must still open their own page. A valid token has a limit of its own instead
 * (`WindowCounter` keyed by the token's hash), against a runaway reload, never shared with anyone.
 *
 * Why misses and not requests: a token is 256 bits (core/delivery/page-token.ts), so no rate of
 * guessing finds one; the limits keep a scanner from costing more than a bounded number of answers,
 * and make it visible (the 429s). Refusing valid pages would buy nothing against a guesser — any
 * answer to a valid token has to differ from a miss for its owner to see the page — and would turn
 * away the people the notice asks to come. A throttled address still has every request looked up
 * (one indexed read): a valid token among its misses is served.
 *
 * Counts are in memory, per API process, in fixed windows: with several replicas each applies the
 * limits to the requests it receives.
 */

/** At most `max` events per `windowMs`. */
export interface WindowLimit {
  max: number;
  windowMs: number;
}

/**
 * Events per key in fixed windows, in bounded memory: once `maxKeys` keys are held, keys whose
 * window has passed are dropped; if none has, a new key is not tracked (the caller's other limits,
 * such as a total, still hold).
 */
export class WindowCounter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  constructor(
    private readonly limit: WindowLimit,
    private readonly maxKeys = 100_000,
  ) {}

  /**
   * Counts one event for `key`. Returns null while the key is within its limit, else the seconds
   * until its window ends (a Retry-After).
   */
  hit(key: string, now = Date.now()): number | null {
    return this.count(key, now).retryAfter;
  }

  /** `hit`, and whether this event is the first over the limit in its window. */
  count(key: string, now = Date.now()): { retryAfter: number | null; firstOver: boolean } {
    let w = this.windows.get(key);
    if (!w || w.endsAt <= now) {
      if (!w && this.windows.size >= this.maxKeys) this.sweep(now);
      if (!w && this.windows.size >= this.maxKeys) return { retryAfter: null, firstOver: false };
      w = { count: 0, endsAt: now + this.limit.windowMs };
      this.windows.set(key, w);
    }
    w.count += 1;
    if (w.count <= this.limit.max) return { retryAfter: null, firstOver: false };
    return {
      retryAfter: Math.max(1, Math.ceil((w.endsAt - now) / 1000)),
      firstOver: w.count === this.limit.max + 1,
    };
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (w.endsAt <= now) this.windows.delete(key);
  }
}

export interface MissLimits {
  /** Misses one client address may make per window before its misses are answered 429. */
  perAddress: WindowLimit;
  /** Misses from all addresses together per window (a guesser spread over many addresses). */
  total: WindowLimit;
}

/**
 * The public pages' miss limits as configured (config.pageTokens.limits: PAGE_MISS_LIMIT_PER_ADDRESS,
 * PAGE_MISS_LIMIT_TOTAL, PAGE_LIMIT_WINDOW_SECONDS).
 */
export function configuredMissLimits(limits: {
  missesPerAddress: number;
  missesTotal: number;
  windowMs: number;
}): MissLimits {
  const { windowMs } = limits;
  return {
    perAddress: { max: limits.missesPerAddress, windowMs },
    total: { max: limits.missesTotal, windowMs },
  };
}

/** Counts misses per address and in total; says when a miss is over either limit. */
export class MissThrottle {
  private readonly perAddress: WindowCounter;
  private readonly total: WindowCounter;

  /**
   * @param onThrottled called once a window when an address, or all of them together (`total`),
   *   passes its limit: for a log line per guesser rather than one per refused guess.
   */
  constructor(
    limits: MissLimits,
    private readonly onThrottled: (who: { address: string } | { total: true }) => void = () => undefined,
  ) {
    this.perAddress = new WindowCounter(limits.perAddress);
    this.total = new WindowCounter(limits.total, 1);
  }

  /**
   * Records a miss from `address` (the client's, after the trusted proxies: request.ip). Returns
   * null when it may be answered as a miss (404, 410), else the seconds to send as Retry-After with
   * a 429. Both limits count every miss, so an address that keeps guessing stays throttled.
   */
  miss(address: string, now = Date.now()): number | null {
    const own = this.perAddress.count(address, now);
    const all = this.total.count('*', now);
    if (own.firstOver) this.onThrottled({ address });
    if (all.firstOver) this.onThrottled({ total: true });
    const [a, b] = [own.retryAfter, all.retryAfter];
    return a === null ? b : b === null ? a : Math.max(a, b);
  }
}
