import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config';

/*
 * Return paths (VERP): the envelope sender (MAIL FROM) of each notice is its own address,
 * `bounces+<id>-<tag>@BOUNCE_DOMAIN`, so a bounce, delay report or complaint that comes back to it
 * names the one message it is about, whatever the report's format, even when it quotes nothing of
 * the original. The From header stays the company's address: people answer that one.
 *
 * - `<id>` is the delivery row's id in base 36: what the report is recorded against. The delivery
 *   is claimed before its message is composed, so the sender has it in hand: no query per message.
 * - `<tag>` is the first 80 bits of HMAC-SHA256 over the id under BOUNCE_TOKEN_KEY, in hex. Anyone
 *   can send mail to the bounce domain, and a forged bounce would take a person's "notified" away
 *   (and send them a letter): the tag makes a return path we did not issue fail at RCPT TO, checked
 *   without touching the database. 80 bits are out of reach of guessing over SMTP and keep the
 *   local part short (RFC 5321 allows 64 characters; this is at most 36); hex, because some
 *   mail systems change the case of local parts.
 * The id is a surrogate that says nothing about the person (the Message-ID already names the
 * incident and customer ids); the tag is over the id alone so that checking one costs no query.
 * Who can still send a report for a return path: whoever handled the message (the relays, the
 * recipient's mail system, the recipient, who sees it as Return-Path). What they can do with it
 * concerns that one person only, and only towards more notice: a bounce sends them a letter (or
 * counts them unreached), never takes a notice away.
 */

/** The local part before the `+`: what the listener accepts mail for. */
export const RETURN_PATH_PREFIX = 'bounces';
const TAG_HEX = 20;

type BounceKeys = Pick<Readonly<Config>['bounces'], 'domain' | 'key'>;

function tag(key: Buffer, deliveryId: number): string {
  return createHmac('sha256', key).update(`return-path:${deliveryId}`).digest('hex').slice(0, TAG_HEX);
}

/** The envelope sender of the message of delivery `deliveryId`, or null without BOUNCE_DOMAIN. */
export function returnPathFor(bounces: BounceKeys, deliveryId: number): string | null {
  if (bounces.domain === null) return null;
  return `${RETURN_PATH_PREFIX}+${deliveryId.toString(36)}-${tag(bounces.key, deliveryId)}@${bounces.domain}`;
}

const LOCAL_PART = new RegExp(`^${RETURN_PATH_PREFIX}\\+([0-9a-z]{1,11})-([0-9a-f]{${TAG_HEX}})$`);

/**
 * The delivery a return path was issued for, or null when the address is not one we issued (another
 * domain or local part, or a tag that does not verify: forged or from another key). Compared in
 * constant time. Case-insensitive, as mail systems may fold case.
 */
export function deliveryOfReturnPath(bounces: BounceKeys, address: string): number | null {
  if (bounces.domain === null) return null;
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1).toLowerCase() !== bounces.domain) return null;
  const match = LOCAL_PART.exec(address.slice(0, at).toLowerCase());
  if (!match) return null;
  const id = parseInt(match[1]!, 36);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const expected = Buffer.from(tag(bounces.key, id), 'hex');
  const given = Buffer.from(match[2]!, 'hex');
  return timingSafeEqual(expected, given) ? id : null;
}
