import { createHash } from 'node:crypto';
import type { Recipient } from '../db/affected';
import * as deliveries from '../db/deliveries';
import type { Queryable } from '../db/pool';
import type { IndividualNoticeInput, RenderedMail } from '../mail/render';
import { renderIndividualNotice, renderedMailHash } from '../mail/render';
import type { TemplateSet } from '../mail/templates';
import type { NoticeContext } from './notice-message';
import { personalise } from './notice-message';
import { WITHHELD_TOKEN } from './page-link';

/*
 * The copy of what each person was sent: not the rendered text and HTML (6-10 kB a person, written
 * on the sending path: gigabytes for a million notices), but everything that produced it, so it
 * renders again byte for byte, and the SHA-256 of what was sent, which proves that it did:
 *
 * - the notice version: its content and template snapshot, immutable once approved (notices);
 * - the variant's context: the incident's facts, the content parts and authorities the law
 *   required, the time zone and the page's base URL, as they were at the sending, stored once per
 *   variant as written (notice_send_contexts, keyed by its own hash);
 * - the person: the recipient values frozen on their record at identification (correctable only
 *   before their notice reaches the commit point, see core/use-cases/recipients.ts), their exposure,
 *   reference code and the random value their page token is computed from (never changed; the
 *   token itself is not stored, see page-token.ts);
 * - on the delivery row, written with the commit point: the content hash and the context's hash.
 *
 * Rendering again goes through the same renderer; should it ever come out differently (a change of
 * the renderer, or of the ICU data dates are formatted with), the hash says so and the copy is
 * shown as not verified rather than passed off as what was sent.
 */

/** A context as stored: its exact JSON text and the SHA-256 of that text. */
interface StoredContext {
  hash: string;
  json: string;
}

/** A stored context's key: the SHA-256 of its JSON text exactly as stored. */
const contextHash = (json: string) => createHash('sha256').update(json).digest('hex');

/** The hash and JSON text of a context; the text is what is stored and hashed, so both stay exact. */
function serialiseContext(context: NoticeContext): StoredContext {
  const json = JSON.stringify(context);
  return { hash: contextHash(json), json };
}

/** A stored context back as the renderer's context (JSON has no dates: the incident's come back). */
function parseContext(json: string): NoticeContext {
  const context = JSON.parse(json) as NoticeContext;
  const date = (v: Date | string | null) => (v === null ? null : new Date(v));
  const { incident } = context;
  return {
    ...context,
    incident: {
      ...incident,
      discoveredAt: date(incident.discoveredAt)!,
      occurredFrom: date(incident.occurredFrom),
      occurredTo: date(incident.occurredTo),
    },
    // California's notice date (notice-message.ts `NoticeSending`), where the context has one.
    ...(context.noticeDate ? { noticeDate: date(context.noticeDate) } : {}),
  };
}

/**
 * The contexts one shard pass sends with: each is stored once, before the first message rendered
 * with it reaches the commit point, and hashed once (contexts are shared objects, one per variant).
 */
export class SendContexts {
  private readonly serialised = new WeakMap<NoticeContext, StoredContext>();
  private readonly stored = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Queryable,
    private readonly noticeId: string,
  ) {}

  /** The context's hash, once it is stored. */
  async store(context: NoticeContext): Promise<string> {
    let s = this.serialised.get(context);
    if (!s) {
      s = serialiseContext(context);
      this.serialised.set(context, s);
    }
    let saved = this.stored.get(s.hash);
    if (!saved) {
      const { hash, json } = s;
      saved = deliveries.saveSendContext(this.db, { hash, noticeId: this.noticeId, json });
      // A failed write is tried again by the next message, not remembered as done.
      saved.catch(() => this.stored.delete(hash));
      this.stored.set(hash, saved);
    }
    await saved;
    return s.hash;
  }
}

/** A sent notice rendered again from its copy, and whether it is byte for byte what was sent. */
export interface SentCopy {
  mail: RenderedMail;
  /** The SHA-256 recorded when it was sent. */
  contentHash: string;
  /** The context hash recorded with it. */
  sendContext: string;
  /** True when the rendering matches `contentHash` and the stored context matches its own hash. */
  verified: boolean;
}

// Contexts are immutable and keyed by their hash: safe to keep. A few per incident; bounded anyway.
const contextCache = new Map<string, string>();
const CONTEXT_CACHE_SIZE = 1_000;

async function loadContext(db: Queryable, hash: string): Promise<string | null> {
  const cached = contextCache.get(hash);
  if (cached !== undefined) return cached;
  const json = await deliveries.getSendContext(db, hash);
  if (json === null) return null;
  if (contextCache.size >= CONTEXT_CACHE_SIZE) contextCache.delete(contextCache.keys().next().value!);
  contextCache.set(hash, json);
  return json;
}

/**
 * The renderer's input a person's sent notice was rendered from: the stored context of their
 * variant, their frozen record and their page token, computed again from the record's random value
 * and the key (page-token.ts), as it was when sent. Null when the delivery recorded no copy (nothing
 * reached the commit point) or its context is gone.
 */
export async function sentNoticeInput(
  db: Queryable,
  r: Recipient,
  sendContext: string | null,
  pageToken: string,
): Promise<IndividualNoticeInput | null> {
  if (!sendContext) return null;
  const json = await loadContext(db, sendContext);
  return json === null ? null : personalise(parseContext(json), r, pageToken);
}

/**
 * Renders a sent notice again from its copy: the notice's template snapshot, the stored context,
 * the person's frozen record and their page token (computed again from the record's random value
 * and the key), and checks it against the hash recorded when it was sent. Null when the delivery
 * recorded no copy or its context is gone. A record from before migration 013 has no token to
 * compute (`pageToken` null): its copy renders with the link withheld and cannot verify.
 */
export async function renderSentCopy(
  db: Queryable,
  set: TemplateSet,
  r: Recipient,
  sent: { contentHash: string | null; sendContext: string | null },
  pageToken: string | null,
): Promise<SentCopy | null> {
  if (!sent.contentHash || !sent.sendContext) return null;
  const json = await loadContext(db, sent.sendContext);
  if (json === null) return null;
  const contextIntact = contextHash(json) === sent.sendContext;
  const mail = renderIndividualNotice(set, personalise(parseContext(json), r, pageToken ?? WITHHELD_TOKEN));
  return {
    mail,
    contentHash: sent.contentHash,
    sendContext: sent.sendContext,
    verified: pageToken !== null && contextIntact && renderedMailHash(mail) === sent.contentHash,
  };
}
