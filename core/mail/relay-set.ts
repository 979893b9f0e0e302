import type { RelayConfig } from '../config';
import * as relays from '../db/relays';
import type { Pool } from '../db/pool';
import { RelaysUnavailableError, SmtpSendError } from '../errors';
import { setRelayUp } from '../metrics';
import type { Envelope, MailSender, SmtpPoolOptions } from './smtp-pool';
import { SmtpPool, toSendError } from './smtp-pool';

/*
 * Several SMTP relays (SMTP_RELAYS; README "Several relays"), each with its own pool (SmtpPool),
 * seen by the senders as one: `send` has SmtpPool's contract, commit point included.
 *
 * ## Which relay
 * Relays are grouped by priority (1 first). Within the first group that has a relay able to take
 * the message (in rotation, not yet tried for it, with quota left), messages are shared by weight
 * (smooth weighted round-robin: weights 3 and 1 give A A B A, A A B A…). A higher priority is
 * failover: used only while every relay before it is out or out of quota.
 *
 * ## Quotas
 * Per second, rolling hour and rolling day, counted in PostgreSQL (core/db/relays.ts) so that a
 * restart forgets nothing and every worker process shares the count. A relay set reserves small
 * blocks and hands them out; a block is good only until the end of the second (or minute) it was
 * counted in, and a block not used still counts: a relay is never given more than its quota. When
 * every relay is out of quota, `send` waits for room (up to `maxWaitMs`), then throws
 * RelaysUnavailableError before the commit point: the shard pass stops, nothing is recorded as
 * failed, and the activity's retry takes the claims over once there is room.
 *
 * ## Taking a relay out, and back
 * A relay is taken out at once when it refuses the session or is not there: connection refused,
 * reset or timed out, 421, or a refusal of the greeting, EHLO, AUTH or MAIL FROM
 * (SmtpSendError.relayRefused). It is also taken out when it refuses recipients that another relay
 * then accepts, REFUSAL_STREAK times in a row (a relay answering 5xx to everyone). After the
 * cool-down (SMTP_RELAY_COOLDOWN_SECONDS) the next message that would use it first sends a probe
 * (connect, EHLO, AUTH, QUIT); if that works, the relay is back. `forthright_relay_up{relay}` says
 * which are in.
 *
 * ## Moving a message without a duplicate
 * The commit point in SmtpPool.send stays the single truth. A message is tried on another relay only
 * while its `beforeCommit` was never called: the relay refused before holding the whole message, so
 * it has nothing to complete and discards the transaction. Once `beforeCommit` was called — whether
 * it recorded the commit or refused to — the outcome is final for this call: never another relay. A
 * refusal of a recipient (4xx or 5xx at RCPT TO) is tried on the other relays too; it is permanent
 * only when every relay tried refused it for good. (So a bad address is tried once per relay.)
 */

/** Refusals of recipients that another relay then accepted, in a row, after which a relay is taken out. */
export const REFUSAL_STREAK = 3;

/** Messages reserved from a relay's quota at once (fewer with a per-second quota: see `blockSize`). */
const QUOTA_BLOCK = 50;

export interface RelaySetOptions {
  relays: readonly RelayConfig[];
  /** Where quotas are counted; required when any relay has a quota. */
  pool?: Pool;
  /** How long a relay stays out before it is probed. @default 60 s */
  cooldownMs?: number;
  /** Longest wait for quota inside one `send` before RelaysUnavailableError. @default 20 s */
  maxWaitMs?: number;
  /** Options every relay's pool shares. */
  shared?: Pick<SmtpPoolOptions, 'name' | 'requireTls' | 'dkim'>;
  /** Makes a relay's pool (tests put a stand-in here). @default new SmtpPool */
  poolFor?: (relay: RelayConfig, options: SmtpPoolOptions) => RelayPool;
}

/** What a relay set needs of one relay's pool. */
export type RelayPool = Pick<SmtpPool, 'send' | 'close' | 'probe'>;

/** One relay's state, as `status()` shows it. */
export interface RelayStatus {
  name: string;
  up: boolean;
  /** Messages this process handed to the relay (accepted or not) since start. */
  sent: number;
  /** Messages the relay accepted in this process since start. */
  accepted: number;
}

interface RelayState {
  config: RelayConfig;
  pool: RelayPool;
  up: boolean;
  /** While out: when a probe may be tried. */
  probeAt: number;
  probing: boolean;
  /** Refusals of recipients another relay then accepted, in a row. */
  streak: number;
  /** Smooth weighted round-robin. */
  current: number;
  /** Reserved messages not yet handed out, and until when they are good (ms since epoch). */
  tokens: number;
  tokensUntil: number;
  /** No quota before this instant (ms since epoch). */
  blockedUntil: number;
  reserving: Promise<void> | null;
  sent: number;
  accepted: number;
}

const hasQuota = (r: RelayConfig) =>
  r.perSecond !== undefined || r.perHour !== undefined || r.perDay !== undefined;

export class RelaySet implements MailSender {
  private readonly states: RelayState[];
  private readonly cooldownMs: number;
  private readonly maxWaitMs: number;
  private closed = false;

  constructor(private readonly options: RelaySetOptions) {
    if (options.relays.length === 0) throw new Error('a relay set needs at least one relay');
    if (options.relays.some(hasQuota) && !options.pool)
      throw new Error('relay quotas are counted in PostgreSQL: pass the pool');
    this.cooldownMs = options.cooldownMs ?? 60_000;
    this.maxWaitMs = options.maxWaitMs ?? 20_000;
    const poolFor = options.poolFor ?? ((_relay, o) => new SmtpPool(o));
    this.states = options.relays.map((config) => {
      setRelayUp(config.name, true);
      return {
        config,
        pool: poolFor(config, {
          ...options.shared,
          url: config.url,
          size: config.connections,
          relay: config.name,
        }),
        up: true,
        probeAt: 0,
        probing: false,
        streak: 0,
        current: 0,
        tokens: 0,
        tokensUntil: 0,
        blockedUntil: 0,
        reserving: null,
        sent: 0,
        accepted: 0,
      };
    });
  }

  /** Each relay: in rotation or not, and what this process gave it. */
  status(): RelayStatus[] {
    return this.states.map((s) => ({ name: s.config.name, up: s.up, sent: s.sent, accepted: s.accepted }));
  }

  /**
   * Sends through one relay, moving to another while the message is not committed (see the comment
   * at the top of this file). `beforeCommit` is told the name of the relay that holds the message.
   */
  async send(
    envelope: Envelope,
    raw: Buffer,
    beforeCommit: (relay: string) => Promise<void>,
  ): Promise<string> {
    const tried = new Set<RelayState>();
    /** Relays that refused this recipient (not the session): they are to blame if another accepts. */
    const refusedRecipient: RelayState[] = [];
    let refusal: SmtpSendError | undefined;
    let allPermanent = true;
    for (;;) {
      if (this.closed) throw new SmtpSendError('pool closed', false, 'pool closed', false);
      const relay = await this.pick(tried);
      if (relay === null) {
        if (refusal === undefined) throw new RelaysUnavailableError('down');
        // Every relay refused this recipient: permanent only if every refusal was.
        if (refusal.permanent === allPermanent) throw refusal;
        throw new SmtpSendError(refusal.message, allPermanent, refusal.reply, false, false, refusal.relay);
      }
      tried.add(relay);
      let invoked = false;
      relay.sent++;
      try {
        const reply = await relay.pool.send(envelope, raw, (name) => {
          invoked = true;
          return beforeCommit(name);
        });
        relay.accepted++;
        relay.streak = 0;
        for (const other of refusedRecipient) {
          other.streak++;
          if (other.streak >= REFUSAL_STREAK) this.takeOut(other);
        }
        return reply;
      } catch (err) {
        // Past (or at) the commit point: final here, whatever happened.
        if (invoked) throw err;
        const e = err instanceof SmtpSendError ? err : toSendError(err, false, relay.config.name);
        if (e.reply === 'pool closed') throw e;
        if (e.relayRefused) {
          this.takeOut(relay);
          continue;
        }
        if (!hasReplyCode(e.reply)) throw e; // refused by the client itself (an unusable address)
        refusedRecipient.push(relay);
        refusal = e;
        allPermanent &&= e.permanent;
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.states.map((s) => s.pool.close()));
  }

  /**
   * The relay for the next message: the first priority group with a relay in rotation, not tried
   * for this message and with quota, by weight. Waits for quota (up to `maxWaitMs`); null when no
   * relay is left to try.
   */
  private async pick(tried: Set<RelayState>): Promise<RelayState | null> {
    const deadline = Date.now() + this.maxWaitMs;
    for (;;) {
      const now = Date.now();
      this.probeDue(now);
      const open = this.states.filter((s) => s.up && !tried.has(s));
      if (open.length === 0) return null;
      const priorities = [...new Set(open.map((s) => s.config.priority))].sort((a, b) => a - b);
      let soonest = Infinity;
      for (const priority of priorities) {
        const group = open.filter((s) => s.config.priority === priority);
        // Weighted round-robin among those with quota; a relay found without quota leaves the round.
        while (group.length > 0) {
          const chosen = this.byWeight(group);
          if (await this.take(chosen)) return chosen;
          soonest = Math.min(soonest, chosen.blockedUntil);
          group.splice(group.indexOf(chosen), 1);
        }
      }
      // Every relay in rotation is out of quota for now.
      if (Date.now() >= deadline) throw new RelaysUnavailableError('quota');
      const wait = Math.max(5, Math.min(soonest, deadline) - Date.now());
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** Smooth weighted round-robin (nginx's): each gains its weight, the highest is chosen and pays the total. */
  private byWeight(group: RelayState[]): RelayState {
    let best = group[0]!;
    let total = 0;
    for (const s of group) {
      s.current += s.config.weight;
      total += s.config.weight;
      if (s.current > best.current) best = s;
    }
    best.current -= total;
    return best;
  }

  /** One message of the relay's quota; false (and `blockedUntil` set) when it has none now. */
  private async take(relay: RelayState): Promise<boolean> {
    if (!hasQuota(relay.config)) return true;
    for (;;) {
      const now = Date.now();
      if (relay.tokens > 0 && now < relay.tokensUntil) {
        relay.tokens--;
        return true;
      }
      if (now < relay.blockedUntil) return false;
      // One reservation at a time per relay in this process; others wait for its answer.
      relay.reserving ??= this.reserve(relay).finally(() => {
        relay.reserving = null;
      });
      await relay.reserving;
      if (relay.tokens === 0 && Date.now() < relay.blockedUntil) return false;
    }
  }

  private async reserve(relay: RelayState): Promise<void> {
    const started = Date.now();
    const r = await relays.reserve(
      this.options.pool!,
      relay.config.name,
      blockSize(relay.config),
      relay.config,
    );
    // Good until the end of its window, as the database's clock counts it from the reservation.
    const until = started + r.validMs;
    if (r.granted > 0) {
      relay.tokens = r.granted;
      relay.tokensUntil = until;
    } else {
      relay.tokens = 0;
      relay.blockedUntil = until;
    }
  }

  private takeOut(relay: RelayState): void {
    if (!relay.up) return;
    relay.up = false;
    relay.streak = 0;
    relay.probeAt = Date.now() + this.cooldownMs;
    setRelayUp(relay.config.name, false);
  }

  /** Probes the relays out for their cool-down (in the background); a relay that answers is back. */
  private probeDue(now: number): void {
    for (const relay of this.states) {
      if (relay.up || relay.probing || now < relay.probeAt || this.closed) continue;
      relay.probing = true;
      relay.pool.probe().then(
        () => {
          relay.probing = false;
          relay.up = true;
          relay.streak = 0;
          setRelayUp(relay.config.name, true);
        },
        () => {
          relay.probing = false;
          relay.probeAt = Date.now() + this.cooldownMs;
        },
      );
    }
  }
}

/** An SMTP reply code at the start: the relay answered (as opposed to the client refusing). */
const hasReplyCode = (reply: string): boolean => /^[2-5]\d\d\b/.test(reply);

/**
 * How many messages to reserve at once: a block small enough that several workers share a relay's
 * quota rather than one taking it all (a quarter of a per-second quota), and that a block lost with
 * a worker costs little.
 */
function blockSize(relay: RelayConfig): number {
  const caps = [QUOTA_BLOCK];
  if (relay.perSecond !== undefined) caps.push(Math.ceil(relay.perSecond / 4));
  if (relay.perHour !== undefined) caps.push(Math.ceil(relay.perHour / 60));
  return Math.max(1, Math.min(...caps));
}
