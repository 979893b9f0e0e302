import type { Config } from '../config';
import * as affected from '../db/affected';
import * as incidents from '../db/incidents';
import * as notices from '../db/notices';
import type { Pool } from '../db/pool';
import { noticeInputBuilder, withholdPageLink } from '../delivery';
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
  const inputFor = noticeInputBuilder(notice, incident, deps.config);
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
      const input = inputFor(r);
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
