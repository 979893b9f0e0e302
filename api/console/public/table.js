// The one way the console draws a table: column headings with scope, an optional caption, one row
// per item, and a scrolling wrapper so a wide table never widens the page.
import { h } from './dom.js';

/**
 * table({ columns: ['Name', …], rows: items.map(toRow), caption, compact, wrap })
 * - `columns`: heading texts; a `false` column is left out (a column only some roles see).
 *   An empty heading is read out as "Actions" but not shown.
 * - `rows`: `<tr>` elements (see `row`).
 * - `caption`: for screen readers only.
 * - `compact`: the smaller type for dense tables. `wrap` (default true): the scrolling wrapper.
 */
export function table({ columns, rows, caption, compact = false, wrap = true }) {
  const el = h(
    'table',
    { class: compact ? 'table table--compact' : 'table' },
    caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns
          .filter((c) => c !== false)
          .map((c) =>
            h('th', { scope: 'col' }, c === '' ? h('span', { class: 'visually-hidden' }, 'Actions') : c),
          ),
      ),
    ),
    h('tbody', {}, rows),
  );
  return wrap ? h('div', { class: 'table-wrap' }, el) : el;
}

/**
 * A row: `row(attrs, cell, cell, …)`. Anything but a `<td>`/`<th>` (see `cell`) becomes a `<td>`
 * holding it, null an empty one; `false` is left out (a column this person does not see).
 */
export function row(attrs, ...cells) {
  return h(
    'tr',
    attrs,
    cells.filter((c) => c !== false).map((c) => (isCell(c) ? c : h('td', {}, c))),
  );
}

/** A cell with attributes (a class, or a row heading: `cell({ scope: 'row' }, …)` makes a `<th>`). */
export function cell(attrs, ...children) {
  return h(attrs?.scope === 'row' ? 'th' : 'td', attrs, ...children);
}

const isCell = (c) => c instanceof Element && (c.tagName === 'TD' || c.tagName === 'TH');
