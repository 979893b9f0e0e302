// The incident page's delivery section: a stacked bar of the email deliveries, a legend carrying
// the same numbers as text, and the undeliverable addresses (for a substitute notice).
import { h, replace } from '../../dom.js';
import { count, percent } from '../../format.js';
import {
  DELIVERY_STATUS_LABELS,
  NOTICE_CHANNEL_LABELS,
  NOTICE_CHANNEL_REASON_LABELS,
  label,
} from '../../labels.js';
import { cell, row, table } from '../../table.js';

/** The parts of the bar: delivery statuses, plus `pending` (nothing claimed yet). */
const SEGMENTS = [
  ['sent', DELIVERY_STATUS_LABELS.sent],
  ['pending', 'Pending'],
  ['retrying', DELIVERY_STATUS_LABELS.retrying],
  ['undeliverable', DELIVERY_STATUS_LABELS.undeliverable],
];

const WHY_NOTHING = {
  identifying: 'Finding the affected customers…',
  drafting: 'Delivery starts once a notice is approved.',
  awaiting_approval: 'Delivery starts once the notice is approved.',
  closed_no_notice: 'No one needs to be notified.',
};

export function renderDelivery(body, incident, delivery) {
  const total = SEGMENTS.reduce((sum, [key]) => sum + delivery[key], 0);
  if (total === 0 && delivery.manual === 0) {
    return replace(
      body,
      h('p', { class: 'muted' }, WHY_NOTHING[incident.status] ?? 'Nothing to deliver.'),
      channelPlan(delivery.channels),
    );
  }
  const delivered = percent(delivery.sent, total);
  replace(
    body,
    h(
      'p',
      { class: 'big-number' },
      h('span', { id: 'delivered-percent' }, `${delivered} %`),
      ' delivered ',
      h('span', { class: 'muted' }, `(${count(delivery.sent)} of ${count(total)} emails)`),
    ),
    h(
      'div',
      {
        class: 'stack',
        role: 'progressbar',
        'aria-label': 'Emails delivered',
        'aria-valuemin': 0,
        'aria-valuemax': 100,
        'aria-valuenow': delivered,
      },
      SEGMENTS.filter(([key]) => delivery[key] > 0).map(([key, name]) =>
        h('div', {
          class: `stack__part stack__part--${key}`,
          style: `flex-grow:${delivery[key]}`,
          title: `${name}: ${delivery[key]}`,
        }),
      ),
    ),
    h(
      'ul',
      { class: 'legend' },
      SEGMENTS.map(([key, name]) =>
        h(
          'li',
          { dataset: { segment: key } },
          h('span', { class: `swatch stack__part--${key}`, 'aria-hidden': 'true' }),
          `${name}: `,
          h('strong', {}, count(delivery[key])),
        ),
      ),
      delivery.manual
        ? h(
            'li',
            {},
            h('span', { class: 'swatch swatch--manual', 'aria-hidden': 'true' }),
            'By hand (no email): ',
            h('strong', {}, count(delivery.manual)),
          )
        : null,
    ),
    channelPlan(delivery.channels),
    delivery.undeliverableList.length
      ? h(
          'details',
          {},
          h(
            'summary',
            {},
            // Refused by the relay, or accepted and then bounced (the reply says which): each goes
            // by letter where an address is known, otherwise to substitute notice.
            `Emails not delivered (${delivery.undeliverableList.length}) — refused or bounced: a letter where an address is known, else substitute notice`,
          ),
          table({
            columns: ['Customer', 'Address', 'Attempts', 'Relay said'],
            wrap: false,
            rows: delivery.undeliverableList.map((u) =>
              row({}, u.externalId, u.recipient, cell({ class: 'num' }, u.attempts), u.reply ?? '—'),
            ),
          }),
        )
      : null,
  );
}

/**
 * How many people's notices go each way and why, as planned by the rules that apply to them
 * (email, letter, both, or none: substitute notice). Nothing for an incident whose channels were
 * never planned (everyone is emailed).
 */
export function channelPlan(channels) {
  if (!channels?.length) return null;
  const total = (channel) => channels.filter((c) => c.channel === channel).reduce((n, c) => n + c.count, 0);
  return h(
    'div',
    { id: 'channel-plan' },
    h('h3', {}, 'How the notices go'),
    h(
      'p',
      { class: 'small' },
      ['email', 'email_and_letter', 'letter', 'none']
        .filter((c) => total(c) > 0)
        .map((c) => `${label(NOTICE_CHANNEL_LABELS, c)}: ${count(total(c))}`)
        .join(' · '),
    ),
    table({
      compact: true,
      caption: 'Channels by reason',
      columns: ['Channel', 'Why', 'People'],
      rows: channels.map((c) =>
        row(
          { dataset: { channel: c.channel, reason: c.reason } },
          label(NOTICE_CHANNEL_LABELS, c.channel),
          label(NOTICE_CHANNEL_REASON_LABELS, c.reason),
          cell({ class: 'num' }, count(c.count)),
        ),
      ),
    }),
  );
}
