import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import type { MailSender } from '../mail/smtp-pool';
import { toSendError } from '../mail/smtp-pool';
import { LeaseLostError, RelaysUnavailableError, SmtpSendError } from '../errors';
import { DEFAULT_RELAY, countFailed, countSent } from '../metrics';
import { isUsableAddress } from './notice-message';
import { RateLimiter } from './rate-limiter';
import { GroupCommit, OutcomeWriter } from './write-batching';
import type { OutcomeFailure } from './write-batching';

/*
 * The engine of a shard pass, shared by every sending of one message per person: the first notice
 * (shard-pass.ts `deliverShardPass`, table `deliveries`) and further mailings (mailing-pass.ts,
 * table `mailing_deliveries`). It pages by keyset one page ahead of the sending, renders one
 * message per turn of the event loop, hands messages to the SMTP pool a few at a time, group-commits
 * the commit point (`sending`) before each message's final ".", writes outcomes in batches behind
 * the sending, and reports the cursor up to which everyone is settled. Why this sends nobody two
 * messages is the essay at the top of shard-pass.ts; a source only has to keep its promises:
 *
 * - `readPage` claims its rows for the lease (a unique row per person and sending, taken over from
 *   a dead attempt only while not past the commit point) and returns only those it holds;
 * - `markSending` marks only rows the lease still holds, and returns their ids;
 * - `writeOutcomes` writes only rows the lease holds (sent ones are past the commit point).
 */

/** One message a source claimed for this attempt: its row, and its person (for failures). */
export interface ClaimedMessage {
  deliveryId: number;
  customerId: number;
}

/** A page read and claimed by a source. */
export interface SourcePage<M extends ClaimedMessage> {
  /** The last customer id read: the cursor once the page is settled. */
  lastId: number;
  /** How many people were read (a page shorter than the limit was the last). */
  read: number;
  /** Rows found past the commit point after an interruption, recorded sent by the source. */
  recovered: number;
  /** Rows this attempt holds and is to send. */
  items: M[];
}

/** A message rendered and composed, and what its row records at the commit point. */
export interface PreparedMessage {
  raw: Promise<Buffer>;
  /** SHA-256 of what was rendered (core/mail/render.ts `renderedMailHash`). */
  contentHash: string;
  /** Stores whatever must be stored before the commit point; returns the row's send context key. */
  sendContext(): Promise<string | null>;
}

/** What the engine needs of one kind of sending. */
export interface ShardSource<M extends ClaimedMessage> {
  /** The next page after `after` (keyset, this shard only), claimed for `lease`; empty when none is left. */
  readPage(after: number, limit: number, lease: string): Promise<SourcePage<M>>;
  /** Where the message goes (checked with `isUsableAddress` before it is rendered). */
  recipient(item: M): string;
  /** The envelope sender (a return path naming the row, or the From address). */
  envelopeFrom(item: M): string;
  /** Renders and composes; a throw records the row undeliverable ('not rendered'). */
  prepare(item: M): PreparedMessage;
  /** The commit point for the lease's rows; returns the ids it marked. */
  markSending(lease: string, marks: CommitMark[]): Promise<Set<number>>;
  /** Accepted and failed rows, written in one go (only the lease's). */
  writeOutcomes(lease: string, sent: number[], failures: OutcomeFailure[]): Promise<void>;
}

/** One row reaching the commit point. */
export interface CommitMark {
  id: number;
  contentHash: string;
  sendContext: string | null;
  /** The relay that holds the message (SmtpPoolOptions.relay; SMTP_RELAYS' name, or 'default'). */
  relay: string;
}

export interface EngineDeps {
  /** One relay's pool, or a relay set (core/mail/relay-set.ts). */
  smtp: MailSender;
  config: Readonly<Config>;
}

export interface EngineShard {
  shard: number;
  shards: number;
  /** Keyset cursor: the last customer id already handled in this shard (0 to start). */
  after: number;
}

export interface ShardPassOptions {
  /** Stop reading new pages after this many milliseconds; pages already read are finished. */
  budgetMs: number;
  /**
   * Called with the cursor up to which every customer of the shard is settled (sent, failed or
   * handed to another attempt, and recorded) whenever it moves: what a retry resumes from.
   */
  onProgress?: (cursor: number) => void;
  /** Stops reading new pages (activity cancellation, worker shutdown). */
  signal?: AbortSignal;
  /** This attempt's lease on the rows it claims. @default a new random id */
  lease?: string;
}

export interface ShardPassResult {
  /** The cursor for the next call, or null when the shard has nobody left in this pass. */
  next: number | null;
  sent: number;
  /** Found `sending` after an interruption and counted as sent. */
  recovered: number;
  retrying: number;
  undeliverable: number;
}

/** Pages read ahead of the sending, so reading and claiming never stall the SMTP connections. */
const READ_AHEAD = 1;

/**
 * One pass over one shard of `source`, page after page, until the shard is done or the budget is
 * spent. Safe to call again with the same arguments at any time (and concurrently with a stale
 * attempt): nobody is sent two messages.
 */
export async function runShardPass<M extends ClaimedMessage>(
  deps: EngineDeps,
  source: ShardSource<M>,
  shard: EngineShard,
  options: ShardPassOptions,
): Promise<ShardPassResult> {
  const { config } = deps;
  const lease = options.lease ?? randomUUID();
  const started = Date.now();

  // The configured rate is the total across shards (and so across workers): each shard takes its share.
  const limiter = new RateLimiter(config.mail.ratePerSecond / shard.shards);
  // With a rate limit, a page is never more than ~10 s of sending, so heartbeats and budgets hold.
  const pageSize =
    config.mail.ratePerSecond > 0
      ? Math.max(
          1,
          Math.min(config.delivery.batchSize, Math.ceil((config.mail.ratePerSecond / shard.shards) * 10)),
        )
      : config.delivery.batchSize;

  const result: ShardPassResult = { next: shard.after, sent: 0, recovered: 0, retrying: 0, undeliverable: 0 };
  let fatal: unknown;
  const fail = (err: unknown) => {
    fatal ??= err;
  };

  const sending = new GroupCommit<CommitMark, boolean>(async (marks) => {
    const held = await source.markSending(lease, marks);
    return marks.map((m) => held.has(m.id));
  });
  // The relay each outcome came from (the one that held a sent message at its commit point, or
  // answered a failure), for the metrics' label; an entry lives until its outcome is counted.
  const relayOf = new Map<number, string>();
  const outcomes = new OutcomeWriter(async (sent, failures) => {
    await source.writeOutcomes(lease, sent, failures);
    // Counted once recorded (core/metrics.ts), so the counters move when the database does.
    countOutcomes(sent, failures, relayOf);
  }, config.delivery.batchSize);

  // Pages in customer order; the settled cursor moves over a page once all of it is recorded.
  interface PageState {
    lastId: number;
    outstanding: number;
    recorded: Promise<void> | null;
  }
  const pages: PageState[] = [];
  let settledCursor = shard.after;
  const advance = () => {
    while (pages.length > 0 && pages[0]!.outstanding === 0 && pages[0]!.recorded === null) {
      settledCursor = pages.shift()!.lastId;
      options.onProgress?.(settledCursor);
    }
  };
  const settle = (state: PageState) => {
    state.outstanding--;
    if (state.outstanding > 0) return;
    // Settled once the outcomes written so far (this page's included) are committed.
    state.recorded = outcomes.flush().then(() => {
      state.recorded = null;
      advance();
    }, fail);
  };

  // Reading: one page ahead of the sending.
  let exhausted = false;
  let cursor = shard.after;
  const readPage = async (): Promise<{ state: PageState; items: M[] } | null> => {
    const page = await source.readPage(cursor, pageSize, lease);
    if (page.read < pageSize) exhausted = true;
    if (page.read === 0) return null;
    cursor = page.lastId;
    result.recovered += page.recovered;
    countSent(page.recovered); // recorded sent by readPage: accepted before an interruption
    const state: PageState = { lastId: cursor, outstanding: page.items.length + 1, recorded: null };
    pages.push(state);
    return { state, items: page.items };
  };

  const failed = (item: M, permanent: boolean, reply: string) => {
    outcomes.failed({ id: item.deliveryId, customerId: item.customerId, permanent, reply });
    if (permanent) result.undeliverable++;
    else result.retrying++;
  };

  // Rendering and composing are the CPU work; they happen one message per turn of the event loop
  // (so SMTP replies and commits are handled between two messages, not after a burst of them) and
  // only as far ahead as the connections can take (sendConcurrency below).
  const prepare = (item: M): PreparedMessage | null => {
    if (!isUsableAddress(source.recipient(item))) {
      failed(item, true, 'invalid recipient address');
      return null;
    }
    try {
      return source.prepare(item);
    } catch (err) {
      // A message that cannot be rendered for this person is not sent; it is listed for substitute notice.
      failed(item, true, `not rendered: ${String(err)}`);
      return null;
    }
  };

  const send = async (item: M, raw: Buffer, prepared: PreparedMessage, state: PageState): Promise<void> => {
    // A message neither sent nor recorded keeps its page unsettled, so the cursor a retry resumes
    // from (the heartbeat) never passes it.
    let unsettled = false;
    try {
      const sendContext = await prepared.sendContext();
      await limiter.take();
      await deps.smtp.send(
        { from: source.envelopeFrom(item), to: source.recipient(item) },
        raw,
        async (relay) => {
          relayOf.set(item.deliveryId, relay);
          if (
            !(await sending.add({
              id: item.deliveryId,
              contentHash: prepared.contentHash,
              sendContext,
              relay,
            }))
          )
            throw new LeaseLostError(`delivery ${item.deliveryId} was taken over`);
        },
      );
      outcomes.sent(item.deliveryId);
      result.sent++;
    } catch (err) {
      if (err instanceof LeaseLostError) return fail(err);
      // No relay can take it now (all out, or out of quota), before its commit point: nothing is
      // recorded against the person; the attempt stops and its retry sends it when a relay can.
      if (err instanceof RelaysUnavailableError || isCommitError(err)) {
        // (The commit itself failed, the database: the message was abandoned, its row is still ours
        // and `claimed`; the attempt stops and its retry sends it.)
        unsettled = true;
        return fail(err);
      }
      const e = err instanceof SmtpSendError ? err : toSendError(err, false);
      if (e.relay !== undefined && !relayOf.has(item.deliveryId)) relayOf.set(item.deliveryId, e.relay);
      failed(item, e.permanent, e.reply);
    } finally {
      if (!unsettled) settle(state);
    }
  };

  // Messages handed to the pool at once: enough to queue one behind each busy connection.
  const sendConcurrency = Math.max(2, config.mail.poolSize * 2);
  const inFlight = new Set<Promise<void>>();
  const ahead: Promise<{ state: PageState; items: M[] } | null>[] = [];
  const wantMore = () =>
    !exhausted && fatal === undefined && !options.signal?.aborted && Date.now() - started < options.budgetMs;
  try {
    const fill = () => {
      while (ahead.length < READ_AHEAD && wantMore()) {
        // Reads are chained: each starts from the cursor the previous one left.
        const previous = ahead.at(-1) ?? Promise.resolve(null);
        ahead.push(previous.then(() => (wantMore() ? readPage() : null)));
      }
    };
    fill();
    while (ahead.length > 0) {
      const next = await ahead.shift()!;
      fill();
      if (!next) continue;
      for (const item of next.items) {
        while (inFlight.size >= sendConcurrency) await Promise.race(inFlight);
        if (fatal !== undefined) break;
        const prepared = prepare(item);
        if (prepared === null) {
          settle(next.state);
        } else {
          const state = next.state;
          const p = prepared.raw
            .then(
              (b) => send(item, b, prepared, state),
              (err: unknown) => {
                failed(item, true, `not composed: ${String(err)}`);
                settle(state);
              },
            )
            .catch(fail);
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
        }
        // One message per turn: replies and commits waiting in the poll phase go first.
        await yieldToIo();
      }
      settle(next.state); // the page's own share: it is fully handed out
      if (fatal !== undefined) break;
    }
  } catch (err) {
    fail(err);
  }
  // Reads still running are awaited so that nothing touches the database after we return.
  await Promise.allSettled(ahead);
  await Promise.allSettled(inFlight);
  await outcomes.flush().catch(fail);
  await Promise.allSettled(pages.map((p) => p.recorded));
  advance();
  if (fatal !== undefined) throw fatal;
  result.next = exhausted && pages.length === 0 && settledCursor === cursor ? null : settledCursor;
  return result;
}

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An error from the `sending` commit (the database), as opposed to the relay. */
function isCommitError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'severity' in err && 'code' in err;
}

/**
 * Counts a batch of recorded outcomes by relay (`relayOf`: the relay of each row, taken out as it is
 * counted; DEFAULT_RELAY where none is known, e.g. an address refused before any relay).
 */
function countOutcomes(
  sent: readonly number[],
  failures: readonly OutcomeFailure[],
  relayOf: Map<number, string>,
): void {
  const relayFor = (id: number) => {
    const relay = relayOf.get(id) ?? DEFAULT_RELAY;
    relayOf.delete(id);
    return relay;
  };
  const tally = new Map<string, { sent: number; permanent: number; temporary: number }>();
  const of = (relay: string) => {
    let t = tally.get(relay);
    if (!t) tally.set(relay, (t = { sent: 0, permanent: 0, temporary: 0 }));
    return t;
  };
  for (const id of sent) of(relayFor(id)).sent++;
  for (const f of failures) of(relayFor(f.id))[f.permanent ? 'permanent' : 'temporary']++;
  for (const [relay, t] of tally) {
    countSent(t.sent, relay);
    countFailed(t.permanent, 'permanent', relay);
    countFailed(t.temporary, 'temporary', relay);
  }
}
