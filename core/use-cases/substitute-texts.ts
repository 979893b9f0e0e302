import type { Config } from '../config';
import * as affected from '../db/affected';
import * as audit from '../db/audit';
import * as incidents from '../db/incidents';
import * as notices from '../db/notices';
import type { Notice, NoticeContent } from '../db/notices';
import type { Pool, Queryable } from '../db/pool';
import { inTransaction } from '../db/pool';
import * as substitutes from '../db/substitute-notices';
import type { SubstituteNoticeRow } from '../db/substitute-notices';
import type { SubstituteElement, SubstituteTextAudience } from '../domain/substitute-notice';
import { SUBSTITUTE_TEXT_AUDIENCES } from '../domain/substitute-notice';
import {
  ConflictError,
  ForbiddenError,
  IncidentNotFoundError,
  NotFoundError,
  ValidationError,
} from '../errors';
import { jurisdictionTimeZone } from '../law';
import { formatDate } from '../mail/intl-format';
import { renderSubstituteText } from '../mail/substitute';
import type { LanguageCatalog } from '../mail/i18n';
import type { TemplateCache } from '../mail/template-cache';
import type { RenderedParts } from '../mail/templates';
import type { RenderedPages } from './customer-page';
import { DEFAULT_WHAT_WE_ARE_DOING, applyDecisionIn, contentHash, recordDecisionIn } from './notices';
import type { AppliedDecision, DecisionInput } from './notices';
import { settleReach } from './reach';
import { ensurePosting, reviewSubstituteNotice } from './substitute-notice';
import type { Actor } from './types';

/**
 * What people and the workflow do with a substitute notice (core/use-cases/substitute-notice.ts
 * decides when one is due and what it consists of): its website and media texts, drafted from
 * template snapshots and approved four-eyes like any notice (the notices/approval-decisions machinery,
 * under their own audience); the public page an approved website text goes up on for its period; the
 * elements compliance records (media, toll-free line, letter). Each change settles the individuals'
 * obligations (core/use-cases/reach.ts), which a carried-out substitute notice may complete. A module
 * of its own because reach.ts reads substitute-notice.ts: this one may call both without a cycle.
 */

export interface SubstituteDeps {
  pool: Pool;
  templates: TemplateCache;
  config: Readonly<Config>;
}

/** The texts a substitute notice may need, by the element that carries them. */
const TEXT_OF: Partial<Record<SubstituteElement, SubstituteTextAudience>> = {
  website: 'substitute_website',
  media: 'substitute_media',
};

/**
 * A posting whose statute sets no period stays up this long: HIPAA's 90 days, the longest any
 * encoded statute asks, so an unspecified period is never the shorter reading.
 */
const DEFAULT_POSTING_DAYS = 90;

/** Elements the system records itself; compliance records the others. */
const RECORDED_BY_SYSTEM: readonly SubstituteElement[] = ['email', 'website'];

const US_STATES: Record<string, string> = {
  AL: 'Alabama',
  AK: 'Alaska',
  AZ: 'Arizona',
  AR: 'Arkansas',
  CA: 'California',
  CO: 'Colorado',
  CT: 'Connecticut',
  DE: 'Delaware',
  DC: 'the District of Columbia',
  FL: 'Florida',
  GA: 'Georgia',
  HI: 'Hawaii',
  ID: 'Idaho',
  IL: 'Illinois',
  IN: 'Indiana',
  IA: 'Iowa',
  KS: 'Kansas',
  KY: 'Kentucky',
  LA: 'Louisiana',
  ME: 'Maine',
  MD: 'Maryland',
  MA: 'Massachusetts',
  MI: 'Michigan',
  MN: 'Minnesota',
  MS: 'Mississippi',
  MO: 'Missouri',
  MT: 'Montana',
  NE: 'Nebraska',
  NV: 'Nevada',
  NH: 'New Hampshire',
  NJ: 'New Jersey',
  NM: 'New Mexico',
  NY: 'New York',
  NC: 'North Carolina',
  ND: 'North Dakota',
  OH: 'Ohio',
  OK: 'Oklahoma',
  OR: 'Oregon',
  PA: 'Pennsylvania',
  PR: 'Puerto Rico',
  RI: 'Rhode Island',
  SC: 'South Carolina',
  SD: 'South Dakota',
  TN: 'Tennessee',
  TX: 'Texas',
  UT: 'Utah',
  VT: 'Vermont',
  VA: 'Virginia',
  WA: 'Washington',
  WV: 'West Virginia',
  WI: 'Wisconsin',
  WY: 'Wyoming',
};
const COUNTRIES = new Intl.DisplayNames(['en'], { type: 'region' });

/** 'US-CA' → 'California', 'US-HIPAA' → 'the United States', 'DE' → 'Germany'. */
function regionName(jurisdiction: string): string {
  const [country, region] = jurisdiction.split('-');
  if (country === 'US' && region && US_STATES[region]) return US_STATES[region];
  if (country === 'US') return 'the United States';
  return COUNTRIES.of(country ?? jurisdiction) ?? jurisdiction;
}

/** What the website and media texts say to everyone: no person's data, only the incident's. */
async function substituteContent(
  deps: SubstituteDeps,
  incidentId: string,
  rows: SubstituteNoticeRow[],
  previous: Notice | undefined,
  revision: { whatHappened: string; whatWeAreDoing: string } | null,
  catalog: LanguageCatalog,
): Promise<NoticeContent> {
  const [incident, groups] = await Promise.all([
    incidents.get(deps.pool, incidentId),
    affected.groupsByJurisdiction(deps.pool, incidentId),
  ]);
  if (!incident) throw new IncidentNotFoundError(incidentId);
  // The day of discovery as the first jurisdiction's law counts days (core/law jurisdictionTimeZone).
  const zone = jurisdictionTimeZone(rows[0]?.jurisdiction ?? '') ?? 'America/New_York';
  const categories = [...new Set(groups.flatMap((g) => g.categories))].sort();
  const { name, postalAddress, supportEmail, supportPhone, dpoContact } = deps.config.company;
  return {
    title: incident.title,
    whatHappened: revision?.whatHappened ?? previous?.content.whatHappened ?? incident.description,
    whatWeAreDoing: revision?.whatWeAreDoing ?? previous?.content.whatWeAreDoing ?? DEFAULT_WHAT_WE_ARE_DOING,
    company: { name, postalAddress, supportEmail, supportPhone, dpoContact },
    substitute: {
      categories: categories.map((c) => catalog.categories[c] ?? c),
      regions: [...new Set(rows.map((r) => regionName(r.jurisdiction)))].sort(),
      discoveredOn: formatDate(incident.discoveredAt, 'en-US', zone),
      tollFree: deps.config.substituteNotice.tollFreeNumber,
    },
  };
}

/** The text audiences the incident's open substitute notices still need (an element not yet recorded). */
function textsNeeded(rows: SubstituteNoticeRow[]): SubstituteTextAudience[] {
  const needed = new Set<SubstituteTextAudience>();
  for (const row of rows.filter((r) => r.status === 'open'))
    for (const e of row.elements) {
      const text = TEXT_OF[e.kind];
      if (text && !e.recordedAt) needed.add(text);
    }
  return [...needed].sort();
}

/**
 * Drafts (or revises) a substitute notice's text from a snapshot of today's templates. Without a
 * revision, only where no version is pending or approved yet: retried, it drafts nothing twice.
 */
async function draftText(
  deps: SubstituteDeps,
  incidentId: string,
  audience: SubstituteTextAudience,
  revision: { whatHappened: string; whatWeAreDoing: string; actorId: string } | null,
): Promise<Notice | null> {
  const versions = await notices.listForIncident(deps.pool, incidentId, audience);
  const latest = versions[0];
  if (!revision && versions.some((n) => n.status === 'pending_approval' || n.status === 'approved'))
    return null;
  const rows = (await substitutes.listForIncident(deps.pool, incidentId)).filter(
    (r) => r.status !== 'withdrawn',
  );
  const { version: templateVersion } = await deps.templates.snapshotCurrent();
  const catalog = (await deps.templates.get(templateVersion)).catalog('en');
  const content = await substituteContent(deps, incidentId, rows, latest, revision, catalog);
  return inTransaction(deps.pool, async (tx) => {
    const notice = await notices.draft(tx, incidentId, {
      audience,
      content,
      templateVersion,
      contentHash: contentHash(templateVersion, content),
      afterVersion: latest?.version ?? 0,
      revisedBy: revision?.actorId ?? null,
    });
    await audit.append(tx, {
      incidentId,
      actor: revision?.actorId ?? 'system',
      action: 'substitute_text_drafted',
      detail: {
        noticeId: notice.id,
        audience,
        version: notice.version,
        templateVersion,
        contentHash: notice.contentHash,
      },
      dedupeKey: `substitute_text_drafted:${notice.id}`,
    });
    return notice;
  });
}

/**
 * What the workflow runs after channel planning (activity `assessSubstituteNotice`): the review, in
 * one transaction, then a first draft of each text still needed. Returns counts only.
 */
export async function assessSubstituteNotice(
  deps: SubstituteDeps,
  incidentId: string,
): Promise<{ open: number; carriedOut: number; drafted: number }> {
  const counts = await inTransaction(deps.pool, async (tx) => {
    const reviewed = await reviewSubstituteNotice(tx, incidentId, deps.config);
    await settleReach(tx, incidentId);
    return reviewed;
  });
  const rows = await substitutes.listForIncident(deps.pool, incidentId);
  let drafted = 0;
  for (const audience of textsNeeded(rows)) {
    if (await draftText(deps, incidentId, audience, null)) drafted++;
  }
  return { ...counts, drafted };
}

/** An officer or compliance user rewrites a text: a new version, which they may then not approve. */
export async function reviseSubstituteText(
  deps: SubstituteDeps,
  actor: Actor,
  input: {
    incidentId: string;
    audience: SubstituteTextAudience;
    whatHappened: string;
    whatWeAreDoing: string;
  },
): Promise<Notice> {
  if (!(await incidents.get(deps.pool, input.incidentId))) throw new IncidentNotFoundError(input.incidentId);
  // A posted website text may be corrected too: approved, the new version replaces it on the page.
  const rows = await substitutes.listForIncident(deps.pool, input.incidentId);
  const carries = rows.some(
    (r) => r.status !== 'withdrawn' && r.elements.some((e) => TEXT_OF[e.kind] === input.audience),
  );
  if (!carries) throw new ConflictError('No substitute notice of this incident has this text');
  const notice = await draftText(deps, input.incidentId, input.audience, { ...input, actorId: actor.id });
  return notice!;
}

/**
 * A compliance decision on a substitute notice's text, named by its content hash, checked by the same
 * four-eyes rules as the individuals' notice and applied in the same transaction (no workflow waits
 * on these texts). An approved website text goes up at once: the posting starts now (or keeps its
 * start, for a revision) and runs the longest period any rule asks; each website element is recorded.
 */
export async function decideSubstituteText(
  deps: Pick<SubstituteDeps, 'pool' | 'config'>,
  actor: Actor,
  input: DecisionInput,
): Promise<Exclude<AppliedDecision, { outcome: 'refused' }>> {
  return inTransaction(deps.pool, async (tx) => {
    const notice = await notices.get(tx, input.noticeId);
    if (
      !notice ||
      notice.incidentId !== input.incidentId ||
      !(SUBSTITUTE_TEXT_AUDIENCES as readonly string[]).includes(notice.audience)
    ) {
      throw new NotFoundError(`No substitute notice text ${input.noticeId} in this incident`);
    }
    const { decisionId } = await recordDecisionIn(tx, actor, input, notice.audience);
    const applied = await applyDecisionIn(
      tx,
      deps.config.policy.approvalQuorum,
      { incidentId: input.incidentId, noticeId: input.noticeId, decisionId },
      notice.audience,
    );
    if (applied.outcome === 'refused') {
      throw applied.refusal === 'forbidden'
        ? new ForbiddenError(applied.message)
        : new ConflictError(applied.message);
    }
    if (applied.outcome === 'approved' && notice.audience === 'substitute_website') {
      await goLive(tx, input.incidentId, notice.id, deps.config);
    }
    // A posting may complete a substitute notice, and so the individuals' obligation it covers.
    await settleReach(tx, input.incidentId);
    return applied;
  });
}

/** The public address of an incident's posting. */
function postingUrl(config: Readonly<Config>, publicId: string): string {
  return `${config.http.publicBaseUrl.replace(/\/+$/, '')}/incident-notice/${publicId}`;
}

async function goLive(tx: Queryable, incidentId: string, noticeId: string, config: Readonly<Config>) {
  const rows = (await substitutes.listForIncident(tx, incidentId)).filter((r) => r.status !== 'withdrawn');
  const websites = rows.flatMap((r) =>
    r.elements.filter((e) => e.kind === 'website').map((e) => ({ row: r, e })),
  );
  if (websites.length === 0) return;
  const days = Math.max(...websites.map(({ e }) => e.minDays ?? DEFAULT_POSTING_DAYS));
  await ensurePosting(tx, incidentId);
  const posting = await substitutes.goLive(tx, incidentId, noticeId, (start) => addDays(start, days));
  for (const { row, e } of websites) {
    if (e.recordedAt) continue;
    await substitutes.recordElement(tx, {
      substituteNoticeId: row.id,
      kind: 'website',
      startsAt: posting.startsAt!,
      endsAt: addDays(posting.startsAt!, e.minDays ?? DEFAULT_POSTING_DAYS),
      recordedBy: null,
      channel: 'website',
      evidence: postingUrl(config, posting.publicId),
      noticeId,
    });
  }
  await audit.append(tx, {
    incidentId,
    actor: 'system',
    action: 'substitute_posting_live',
    detail: { noticeId, publicId: posting.publicId, startsAt: posting.startsAt, endsAt: posting.endsAt },
    dedupeKey: `substitute_posting_live:${noticeId}`,
  });
}

const addDays = (d: Date, days: number) => new Date(d.getTime() + days * 86_400_000);

/** Elements compliance records (the others the system records itself). */
export const RECORDABLE_ELEMENTS = ['media', 'toll_free', 'alternative', 'regulator_letter'] as const;

/**
 * Compliance records an element as done: the outlet and day of the media notice (its approved text
 * must exist), the toll-free line's number and first day (its period runs the rule's days), the
 * alternative notice, the letter to the attorney general — with a note of the evidence. Once each.
 */
export async function recordSubstituteElement(
  deps: { pool: Pool },
  actor: Actor,
  input: {
    incidentId: string;
    substituteNoticeId: string;
    kind: SubstituteElement;
    on: Date;
    channel: string;
    evidence: string;
  },
): Promise<SubstituteNoticeRow> {
  if (RECORDED_BY_SYSTEM.includes(input.kind)) {
    throw new ValidationError(`The ${input.kind} element is recorded by Forthright itself`, 'kind');
  }
  return inTransaction(deps.pool, async (tx) => {
    const row = await substitutes.getForUpdate(tx, input.substituteNoticeId);
    if (!row || row.incidentId !== input.incidentId) {
      throw new NotFoundError(`No substitute notice ${input.substituteNoticeId} in this incident`);
    }
    const element = row.elements.find((e) => e.kind === input.kind);
    if (!element) throw new ConflictError(`This substitute notice has no ${input.kind} element`);
    if (element.recordedAt) throw new ConflictError(`The ${input.kind} element is already recorded`);
    let noticeId: string | null = null;
    if (input.kind === 'media') {
      const approved = (await notices.listForIncident(tx, input.incidentId, 'substitute_media')).find(
        (n) => n.status === 'approved',
      );
      if (!approved)
        throw new ConflictError('The media text must be approved before its publication is recorded');
      noticeId = approved.id;
    }
    await substitutes.recordElement(tx, {
      substituteNoticeId: row.id,
      kind: input.kind,
      startsAt: input.on,
      recordedBy: actor.id,
      channel: input.channel,
      evidence: input.evidence,
      noticeId,
    });
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: actor.id,
      action: 'substitute_element_recorded',
      detail: {
        substituteNoticeId: row.id,
        ruleId: row.ruleId,
        kind: input.kind,
        on: input.on.toISOString(),
        channel: input.channel,
        evidence: input.evidence,
        noticeId,
      },
    });
    await settleReach(tx, input.incidentId);
    return (await substitutes.getForUpdate(tx, row.id))!;
  });
}

/** A text as the console shows it: the notice, and its rendering from its own snapshot. */
export interface SubstituteText {
  notice: Notice;
  rendered: RenderedParts;
}

/** Everything the incident page shows: the substitute notices, the latest of each text, the posting. */
export async function substituteOverview(deps: SubstituteDeps, incidentId: string) {
  if (!(await incidents.get(deps.pool, incidentId))) throw new IncidentNotFoundError(incidentId);
  const [items, posting] = await Promise.all([
    substitutes.listForIncident(deps.pool, incidentId),
    substitutes.posting(deps.pool, incidentId),
  ]);
  const text = async (audience: SubstituteTextAudience): Promise<SubstituteText | null> => {
    const latest = (await notices.listForIncident(deps.pool, incidentId, audience))[0];
    if (!latest) return null;
    const set = await deps.templates.get(latest.templateVersion);
    return {
      notice: latest,
      rendered: renderSubstituteText(set, audience, latest.content, postedUntil(posting?.endsAt)),
    };
  };
  return {
    items,
    website: await text('substitute_website'),
    media: await text('substitute_media'),
    posting: posting && {
      ...posting,
      url: postingUrl(deps.config, posting.publicId),
      live: isLive(posting),
    },
  };
}

function isLive(
  p: { startsAt: Date | null; endsAt: Date | null; noticeId: string | null },
  now = Date.now(),
) {
  return (
    p.noticeId !== null &&
    p.startsAt !== null &&
    p.startsAt.getTime() <= now &&
    (p.endsAt?.getTime() ?? 0) > now
  );
}

const postedUntil = (endsAt: Date | null | undefined) =>
  endsAt ? formatDate(endsAt, 'en-US', 'America/New_York') : null;

/**
 * The public page of an incident's posting, /incident-notice/<publicId>: the approved website text
 * from its snapshot, with the day it stays up until. `gone` after its end (the page was real and is
 * down now); null when there is no such page or nothing is up yet.
 *
 * The page is the same for everyone, so with `rendered` it is rendered once per version and served
 * from memory after that: keyed by the posted notice (an approved text is never changed — a
 * correction is a new notice that replaces `notice_id`, core/db/substitute-notices.ts `goLive`) and
 * the end date it shows (which a later approval may extend). The posting row itself is read on every
 * request, one indexed lookup, so a correction, the end of the period or a posting taken down shows
 * at once in every API process.
 */
export async function showSubstitutePosting(
  deps: Pick<SubstituteDeps, 'pool' | 'templates'> & { rendered?: RenderedPages },
  publicId: string,
): Promise<string | 'gone' | null> {
  const posting = await substitutes.postingByPublicId(deps.pool, publicId);
  if (!posting?.noticeId || !posting.startsAt) return null;
  if (!isLive(posting)) return posting.startsAt.getTime() > Date.now() ? null : 'gone';
  const key = `${posting.noticeId}:${posting.endsAt?.getTime() ?? ''}`;
  const cached = deps.rendered?.get(key);
  if (cached !== undefined) return cached;
  const notice = await notices.get(deps.pool, posting.noticeId);
  if (!notice) return null;
  const set = await deps.templates.get(notice.templateVersion);
  const { html } = renderSubstituteText(
    set,
    'substitute_website',
    notice.content,
    postedUntil(posting.endsAt),
  );
  deps.rendered?.set(key, html);
  return html;
}
