// The incident page's warning about affected people recorded with a country but no region where the
// law is regional (a US customer with no state): the assessment gives them no state rule at all, so
// the officer must find their state (GET /api/incidents/:id/unplaced, core/law/unplaced.ts).
import { h, notice, replace } from '../../dom.js';
import { count } from '../../format.js';

/** One warning per such group, naming a few of the jurisdictions whose rules might apply. */
export function renderUnplaced(body, unplaced) {
  const groups = unplaced?.items ?? [];
  if (!groups.length) return replace(body);
  replace(
    body,
    ...groups.map((g) =>
      notice(
        'warning',
        h(
          'strong',
          {},
          `${count(g.count)} affected in ${g.jurisdiction} with no state or province on record`,
        ),
        ': no regional rule was assessed for them. ',
        `${count(g.mightApply.length)} rules in ${count(g.regions.length)} jurisdictions might apply`,
        ` (${g.regions.slice(0, 6).join(', ')}${g.regions.length > 6 ? ', …' : ''}). `,
        'Record their state or province, then re-assess.',
      ),
    ),
  );
}
