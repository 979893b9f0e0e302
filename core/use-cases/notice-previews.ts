import type { Config } from '../config';
import * as affected from '../db/affected';
import * as incidents from '../db/incidents';
import * as notices from '../db/notices';
import * as obligations from '../db/obligations';
import type { Pool } from '../db/pool';
import * as codes from '../db/remediation-codes';
import { noticeInputBuilder, withholdPageLink } from '../delivery';
import { identityProtectionOf } from '../delivery/notice-message';
import { restrictionWarnings } from '../law';
import { noticeVariantKey, renderIndividualNotice } from '../mail/render';
import type { IndividualNoticeInput, RenderedMail } from '../mail/render';
import type { TemplateCache } from '../mail/template-cache';

export interface NoticeVariantPreview {
  key: string;
  recipients: number;
  /** The notice as the first customer of this variant will receive it, their page link withheld. */
  sample: RenderedMail;
  /**
   * What the approver should check before approving: free text that seems to break one of the
   * variant's restrictions (Illinois and Massachusetts: no number of residents affected).
   */
  warnings: string[];
}

/** Customers looked at per preview; past this, counts are of the customers examined. */
const MAX_EXAMINED = 200_000;
/** What a preview shows where each person's own remediation code will be. */
export const SAMPLE_CODE = 'SAMPLE-CODE';
const PAGE = 5_000;

/**
 * One rendered preview per notice variant (language × legally required parts × categories ×
 * representative or not), with how many customers receive each. Rendered with the notice's own
 * template snapshot, exactly as delivery will.
 */
export async function variantPreviews(
  deps: { pool: Pool; templates: TemplateCache; config: Readonly<Config> },
  noticeId: string,
): Promise<{ variants: NoticeVariantPreview[]; examined: number; complete: boolean }> {
  const notice = await notices.get(deps.pool, noticeId);
  if (!notice) return { variants: [], examined: 0, complete: true };
  const incident = (await incidents.get(deps.pool, notice.incidentId))!;
  const set = await deps.templates.get(notice.templateVersion);
  // As delivery will render it: California's date (today) and law-enforcement statement, and a
  // sample code from the incident's first adult pool where the variant offers identity-theft
  // protection (each person's own code replaces it; core/use-cases/remediation-codes.ts).
  const inputFor = noticeInputBuilder(notice, incident, deps.config, {
    noticeDate: new Date(),
    lawEnforcementDelay: await obligations.everHeld(deps.pool, notice.incidentId),
  });
  const today = new Date().toISOString().slice(0, 10);
  const pool = (await codes.listPools(deps.pool, notice.incidentId)).find(
    (p) => !p.forMinors && p.enrollBy >= today,
  );
  const sampleOffer = pool && identityProtectionOf({ ...pool, months: pool.termMonths, code: SAMPLE_CODE });
  const withSample = (input: IndividualNoticeInput): IndividualNoticeInput =>
    sampleOffer &&
    input.contentParts.includes('identity_theft_protection') &&
    !input.recipient.isRepresentative
      ? { ...input, identityProtection: sampleOffer }
      : input;
  const variants = new Map<string, NoticeVariantPreview>();
  let after = 0;
  let examined = 0;
  for (;;) {
    const page = await affected.pendingRecipients(deps.pool, notice.incidentId, {
      shard: 0,
      shards: 1,
      after,
      limit: PAGE,
      onlyRetrying: false,
    });
    for (const r of page) {
      const input = withSample(inputFor(r));
      const key = noticeVariantKey(input);
      const v = variants.get(key);
      if (v) v.recipients++;
      else
        variants.set(key, {
          key,
          recipients: 1,
          sample: withholdPageLink(renderIndividualNotice(set, input)),
          warnings: freeTextWarnings(input),
        });
    }
    examined += page.length;
    if (page.length < PAGE) return { variants: sorted(variants), examined, complete: true };
    if (examined >= MAX_EXAMINED) return { variants: sorted(variants), examined, complete: false };
    after = page.at(-1)!.customerId;
  }
}

/** The free text a variant prints, checked against its restrictions (the description is not printed where the nature is omitted). */
function freeTextWarnings(input: IndividualNoticeInput): string[] {
  const restrictions = input.restrictions ?? [];
  const { whatHappened, whatWeAreDoing, translations } = input.incident;
  const printsNature = !restrictions.includes('omit_nature_of_breach');
  const texts: Record<string, string | undefined> = {
    ...(printsNature ? { 'What happened': whatHappened } : {}),
    'What we are doing': whatWeAreDoing,
  };
  for (const [language, t] of Object.entries(translations ?? {})) {
    if (printsNature) texts[`What happened (${language})`] = t?.whatHappened;
    texts[`What we are doing (${language})`] = t?.whatWeAreDoing;
  }
  return restrictionWarnings(restrictions, texts);
}

const sorted = (m: Map<string, NoticeVariantPreview>) =>
  [...m.values()].sort((a, b) => b.recipients - a.recipients);
