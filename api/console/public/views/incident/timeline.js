// The incident page's timeline: the audit trail, newest first, each event with who and the parts of
// its detail worth reading.
import { h, replace } from '../../dom.js';
import { timeEl } from '../../format.js';
import { ACTION_LABELS, humanise, label } from '../../labels.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-/i;

/** Fields of an event's detail worth reading; ids, hashes and nested objects are left to the API. */
function detailText(detail) {
  const lines = [];
  for (const [key, value] of Object.entries(detail ?? {})) {
    if (/(Id|Ids|Hash)$/.test(key) || value === null || value === '') continue;
    if (
      Array.isArray(value) &&
      (value.length > 12 || value.some((v) => typeof v === 'object' || UUID.test(String(v))))
    )
      continue;
    if (UUID.test(String(value))) continue;
    if (!Array.isArray(value) && typeof value === 'object') continue;
    const name = humanise(key.replace(/([A-Z])/g, ' $1').toLowerCase());
    lines.push(`${name}: ${Array.isArray(value) ? value.join(', ') : value}`);
  }
  return lines.slice(0, 6);
}

/** `names`: user id → display name, of the people the page has met. */
export function renderTimeline(body, events, names) {
  if (!events.length) return replace(body, h('p', { class: 'muted' }, 'Nothing yet.'));
  replace(
    body,
    h(
      'ol',
      { class: 'timeline' },
      [...events].reverse().map((e) =>
        h(
          'li',
          { dataset: { action: e.action } },
          h('div', { class: 'timeline__when' }, timeEl(e.at)),
          h(
            'div',
            { class: 'timeline__what' },
            h('strong', {}, label(ACTION_LABELS, e.action)),
            ' ',
            h(
              'span',
              { class: 'muted' },
              'by ',
              e.actor === 'system'
                ? 'the workflow'
                : // The restore fence (scripts/restore.ts) records itself as `system:restore`.
                  e.actor === 'system:restore'
                  ? 'the restore'
                  : (names.get(e.actor) ?? 'a staff member'),
            ),
          ),
          detailText(e.detail).map((line) => h('div', { class: 'timeline__detail' }, line)),
        ),
      ),
    ),
  );
}
