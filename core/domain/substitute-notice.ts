/**
 * The vocabulary of substitute notice (core/use-cases/substitute-notice.ts, core/law `SubstituteNotice`):
 * pure `as const` sets, restated as CHECK constraints by migration 018 and held together with them by
 * test/core/db/status-sets.test.ts. Workflows may import it.
 */
/**
 * Whom a drafted notice text is for (notices.audience): the individuals' notice, or one of the two
 * texts of a substitute notice (core/use-cases/substitute-notice.ts): the public website posting and
 * the media notice. Each is drafted from a template snapshot and approved four-eyes in the same way.
 */
export const NOTICE_AUDIENCES = [
  'individuals',
  'substitute_website',
  'substitute_media',
  'filing_packet',
  /** A supplement, reminder or update sent after the first notice (migration 028, core/use-cases/mailings.ts). */
  'follow_up',
] as const;
export type NoticeAudience = (typeof NOTICE_AUDIENCES)[number];

/**
 * The two texts of a substitute notice. (`filing_packet`, since migration 020, is what is filed with
 * an authority other than the individuals: core/use-cases/packets.ts; many per incident, told apart
 * by `notices.subject`.)
 */
export const SUBSTITUTE_TEXT_AUDIENCES = ['substitute_website', 'substitute_media'] as const;
export type SubstituteTextAudience = (typeof SUBSTITUTE_TEXT_AUDIENCES)[number];

/**
 * What a substitute notice consists of (core/law `SubstituteNotice`), one element each:
 * `email` to every address known; a conspicuous `website` posting for a period; notice to major
 * `media`; a `toll_free` number for a period (HIPAA); an `alternative` written, telephone or other
 * notice (HIPAA, fewer than 10 unreachable); a `regulator_letter` showing the facts that justify
 * substitute notice (Arizona).
 */
export const SUBSTITUTE_ELEMENTS = [
  'email',
  'website',
  'media',
  'toll_free',
  'alternative',
  'regulator_letter',
] as const;
export type SubstituteElement = (typeof SUBSTITUTE_ELEMENTS)[number];

/**
 * Why a substitute notice is due: the estimated cost of individual notice, the number of people to
 * notify, or people without sufficient contact information (no lawful channel, or undeliverable).
 */
export const SUBSTITUTE_REASONS = ['cost', 'number', 'insufficient_contact'] as const;
export type SubstituteReason = (typeof SUBSTITUTE_REASONS)[number];

/**
 * A substitute notice's state: `open` until every element is recorded (`carried_out`);
 * `withdrawn` when a later review finds its conditions no longer hold and nothing was recorded.
 */
export const SUBSTITUTE_STATUSES = ['open', 'carried_out', 'withdrawn'] as const;
export type SubstituteStatus = (typeof SUBSTITUTE_STATUSES)[number];
