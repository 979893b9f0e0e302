import type { DataCategory } from '../domain/categories';
import type { NoticeChannel, NoticeChannelReason } from '../domain/model';
import { individualsRulesFor } from './assess';
import { RULES } from './rules';
import type { ElectronicNoticeKind, IncidentFacts, Rule } from './types';

/**
 * Which channel carries a person's notice, by rule. Pure: the rules that apply to the person
 * (`individualsRulesFor`: their jurisdiction, or every jurisdiction of a merged person, plus pooled
 * rules such as HIPAA's when the company is a covered entity) give a policy — does email count, and
 * only with consent? — and the person's contact facts give the channel:
 *
 * - email, when email counts under every applicable rule (freely, or because the person consented);
 * - otherwise a letter where a postal address is known: `email_and_letter` when they also have an
 *   email (they hear promptly by email; the letter is the lawful notice), `letter` when not;
 * - `none` when no lawful channel is left: a substitute notice covers them.
 *
 * A `none` person who has an email address (no consent where a rule needs it, no postal address:
 * reason `no_consent`) is still emailed, promptly, with everyone else: most US substitute-notice
 * provisions begin with email notice where the business has an email address (e.g. Cal. Civ. Code
 * § 1798.82(j)(3)(A); Tex. Bus. & Com. Code § 521.053(f)), and a person told by email is better off
 * than one told only by a website posting. That email is part of the substitute notice, not lawful
 * individual notice: the channel stays `none` and the reason unchanged, sending it does not make
 * them `notified` (as an `email_and_letter` person's email does not), and they count as reached only
 * once the substitute notice is carried out (core/db/reach.ts `EMAIL_NOT_NOTICE_SQL`).
 *
 * The policy depends only on the jurisdictions and categories, so callers compute it once per
 * distinct combination and apply it to everyone in one statement (core/use-cases/channels.ts).
 */

/** What the applicable rules together say about email. */
export interface ChannelPolicy {
  /** Some rule needs the person's consent to electronic notice before an email counts. */
  emailNeedsConsent: boolean;
  /** The provisions behind the policy: each applicable rule's electronic-notice citation, once. */
  citations: string[];
}

/** What is known about how to reach one person. */
export interface ContactFacts {
  hasEmail: boolean;
  /** Agreed to electronic notice (electronic_consent_at and _method on record). */
  consented: boolean;
  hasPostalAddress: boolean;
  /**
   * A deceased customer whose notice goes to their representative's email (as before channels: the
   * rules' consent is the customer's, which a representative cannot have given). A deceased customer
   * without one is handled by hand and never planned.
   */
  viaRepresentative: boolean;
}

export interface ChannelDecision {
  channel: NoticeChannel;
  reason: NoticeChannelReason;
}

/**
 * The policy of the rules applying to a person in these jurisdictions with these categories. An
 * individuals' rule without `electronicNotice` is read as needing consent (the cautious reading; a
 * test keeps every rule explicit). No rule at all: nothing restricts the channel.
 */
export function channelPolicy(
  jurisdictions: string | readonly string[],
  categories: readonly DataCategory[],
  facts: IncidentFacts,
  rules: readonly Rule[] = RULES,
): ChannelPolicy {
  const applying = individualsRulesFor(jurisdictions, categories, facts, rules);
  return {
    emailNeedsConsent: applying.some((r) => r.electronicNotice?.kind !== 'allowed'),
    citations: [...new Set(applying.map((r) => r.electronicNotice?.citation ?? r.citation))],
  };
}

const ELECTRONIC_NOTICE_WORDS: Record<ElectronicNoticeKind, string> = {
  allowed: 'counts, with or without consent',
  esign_consent: 'counts only with the person’s consent to electronic records (E-SIGN); otherwise a letter',
  express_consent: 'counts only with the person’s express consent, logged; otherwise a letter',
  agreement: 'counts only where the person agreed to electronic notice; otherwise first-class mail',
};

/** An individuals' rule's `electronicNotice` in words with its citation (coverage table), or null. */
export function describeElectronicNotice(rule: Rule): string | null {
  if (!rule.electronicNotice) return null;
  return `${ELECTRONIC_NOTICE_WORDS[rule.electronicNotice.kind]} (${rule.electronicNotice.citation})`;
}

/** The channel for one person under a policy (see the top of this file). */
export function decideChannel(policy: ChannelPolicy, contact: ContactFacts): ChannelDecision {
  if (contact.viaRepresentative) return { channel: 'email', reason: 'representative_email' };
  const emailCounts = contact.hasEmail && (!policy.emailNeedsConsent || contact.consented);
  if (emailCounts) {
    return { channel: 'email', reason: policy.emailNeedsConsent ? 'email_consented' : 'email_allowed' };
  }
  const reason: NoticeChannelReason = !contact.hasEmail
    ? contact.hasPostalAddress
      ? 'no_email'
      : 'no_contact'
    : 'no_consent';
  if (!contact.hasPostalAddress) return { channel: 'none', reason };
  return { channel: contact.hasEmail ? 'email_and_letter' : 'letter', reason };
}

/** Every combination of contact facts, for callers that decide set-based (a lookup row per combination). */
export const CONTACT_COMBINATIONS: readonly ContactFacts[] = [false, true].flatMap((hasEmail) =>
  [false, true].flatMap((consented) =>
    [false, true].flatMap((hasPostalAddress) =>
      [false, true].map((viaRepresentative) => ({
        hasEmail,
        consented,
        hasPostalAddress,
        viaRepresentative,
      })),
    ),
  ),
);
