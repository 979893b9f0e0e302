import type { NoticeContent } from '../db/notices';
import type { SubstituteTextAudience } from '../domain/substitute-notice';
import type { RenderedParts, TemplateSet } from './templates';

/**
 * Rendering a substitute notice's texts (templates/substitute-website/, templates/substitute-media/)
 * from the snapshot their notice was drafted with. Pure, like render.ts. They are the same for
 * everyone, so the view holds no person: only the approved content and, for the web page, the day
 * it stays up until.
 */
export function renderSubstituteText(
  set: TemplateSet,
  audience: SubstituteTextAudience,
  content: NoticeContent,
  postedUntil: string | null,
): RenderedParts {
  const substitute = content.substitute ?? { categories: [], regions: [], discoveredOn: '', tollFree: null };
  const view = {
    title: content.title,
    whatHappened: content.whatHappened,
    whatWeAreDoing: content.whatWeAreDoing,
    company: content.company,
    categories: substitute.categories,
    regions: substitute.regions,
    discoveredOn: substitute.discoveredOn,
    tollFree: substitute.tollFree,
    postedUntil,
  };
  return set.render(
    audience === 'substitute_website' ? 'substitute-website' : 'substitute-media',
    'en',
    view,
  );
}
