import type { Failure } from '../db/deliveries';

/** A failed message as the outcome writer takes it (the same shape for every table it writes). */
export type OutcomeFailure = Failure;

/*
 * The shard pass's writes, batched off the sending path: the `sending` marks (the commit point) are
 * group-committed, and the outcomes (sent, failed) written in batches behind the sending.
 */

/** Outcomes are written once a batch is waiting, or after FLUSH_MS. */
const FLUSH_MS = 200;

/**
 * Group commit: `add` calls made in the same turn of the event loop are written by one statement,
 * and while MAX_WRITES statements are in flight further calls wait and are written together by the
 * next; so the number of statements adapts to the database's latency instead of growing with the
 * rate, and a message waits about one round trip, not two.
 */
export class GroupCommit<K, R> {
  private static readonly MAX_WRITES = 3;
  private keys: K[] = [];
  private waiting: { resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private inFlight = 0;
  constructor(private readonly write: (keys: K[]) => Promise<R[]>) {}

  add(key: K): Promise<R> {
    this.keys.push(key);
    const done = new Promise<R>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.schedule();
    return done;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= GroupCommit.MAX_WRITES || this.keys.length === 0) return;
    this.scheduled = true;
    // Let the other messages that reached the point in this turn join.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.keys.length === 0) return;
    const keys = this.keys;
    const waiting = this.waiting;
    this.keys = [];
    this.waiting = [];
    this.inFlight++;
    try {
      const results = await this.write(keys);
      waiting.forEach((w, i) => w.resolve(results[i]!));
    } catch (err) {
      for (const w of waiting) w.reject(err);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}

/**
 * Outcomes (sent, failed) wait here and are written in batches, one write at a time, off the
 * sending path. `flush()` resolves once everything added before it is committed.
 */
export class OutcomeWriter {
  private sentIds: number[] = [];
  private failures: OutcomeFailure[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  /** `write` records accepted and failed rows together (the shard source's `writeOutcomes`). */
  constructor(
    private readonly write: (sent: number[], failures: OutcomeFailure[]) => Promise<void>,
    private readonly batch: number,
  ) {}

  sent(id: number): void {
    this.sentIds.push(id);
    this.schedule();
  }

  failed(f: OutcomeFailure): void {
    this.failures.push(f);
    this.schedule();
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const sent = this.sentIds;
    const failures = this.failures;
    this.sentIds = [];
    this.failures = [];
    if (sent.length > 0 || failures.length > 0) {
      this.chain = this.chain.then(() => this.write(sent, failures));
    }
    return this.chain;
  }

  private schedule(): void {
    if (this.sentIds.length + this.failures.length >= this.batch) {
      this.flush().catch(() => undefined); // surfaced by the page's own flush
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush().catch(() => undefined), FLUSH_MS);
    }
  }
}
