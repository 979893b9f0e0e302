// The approval queue: every incident waiting for a decision, each notice variant exactly as its
// customers will receive it (HTML in a sandboxed frame, the text part as sent), approve or reject;
// and beside them every filing packet awaiting approval (what goes to a regulator, an attorney
// general, the credit bureaus), element by element, decided the same way.
import { ApiError, api, ifFound } from '../api.js';
import { append, h, notice, replace } from '../dom.js';
import { count, countdown, timeEl } from '../format.js';
import { categoryLabel } from '../labels.js';
import { approveOrRejectForm, decisionFailure } from './decision.js';
import { elementsTable, packetDecisionForm, packetFacts, packetTitle } from './packet.js';

/** How many incidents' packets are fetched at once. */
const PACKET_FETCHES = 6;

export async function render(main, { user }) {
  const list = h('div', { id: 'approval-list' });
  const packetList = h('div', { id: 'packet-approval-list' });
  main.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Approval queue'),
      h('button', { type: 'button', class: 'button', onclick: () => void load() }, 'Refresh'),
    ),
    h(
      'p',
      { class: 'lead' },
      'What you approve here is exactly what is sent. You cannot decide on an incident you opened yourself.',
    ),
    h('h2', { class: 'queue-heading' }, 'Customer notices'),
    list,
    h('h2', { class: 'queue-heading', id: 'packet-queue-title' }, 'Filing packets'),
    packetList,
  );

  const load = async () => {
    replace(list, h('p', { class: 'muted', role: 'status' }, 'Loading…'));
    replace(packetList, h('p', { class: 'muted', role: 'status' }, 'Loading…'));
    const incidents = [];
    for (let offset = 0; ; offset += 200) {
      const page = await api(`/api/incidents?limit=200&offset=${offset}`);
      incidents.push(...page.items);
      if (page.items.length < 200) break;
    }
    await Promise.all([loadNotices(incidents), loadPackets(incidents)]);
  };

  /** Packets wait for approval whatever the incident's status (a filing may follow delivery). */
  const loadPackets = async (incidents) => {
    const waiting = [];
    const queue = [...incidents];
    const worker = async () => {
      for (let incident = queue.shift(); incident; incident = queue.shift()) {
        const answer = await ifFound(api(`/api/incidents/${incident.id}/packets`), { items: [] });
        for (const p of answer.items ?? [])
          if (p.state === 'awaiting_approval') waiting.push({ incident, p });
      }
    };
    await Promise.all(Array.from({ length: PACKET_FETCHES }, worker));
    if (!waiting.length)
      return replace(packetList, h('p', { class: 'empty' }, 'No filing packet is waiting for approval.'));
    waiting.sort(
      (a, b) =>
        String(a.p.dueAt ?? '9').localeCompare(String(b.p.dueAt ?? '9')) ||
        packetTitle(a.p).localeCompare(packetTitle(b.p)),
    );
    replace(
      packetList,
      waiting.map(({ incident, p }) => packetCard(incident, p, user)),
    );
  };

  const loadNotices = async (incidents) => {
    const waiting = incidents.filter((i) => i.status === 'awaiting_approval');
    if (!waiting.length)
      return replace(list, h('p', { class: 'empty', role: 'status' }, 'Nothing is waiting for approval.'));
    // Most urgent first.
    waiting.sort((a, b) =>
      String(a.nextDeadline?.dueAt ?? '9').localeCompare(String(b.nextDeadline?.dueAt ?? '9')),
    );
    const articles = await Promise.all(waiting.map((incident) => approvalCard(incident, user)));
    replace(list, articles);
  };
  await load();
}

/** One packet awaiting approval: which authority, what it says, and the decision on its hash. */
function packetCard(incident, p, user) {
  const headingId = `packet-approval-${p.id}`;
  return h(
    'article',
    {
      class: 'card approval packet-approval',
      'aria-labelledby': headingId,
      // Not data-incident-id: that names the incident's notice card.
      dataset: { packetIncidentId: incident.id, packetId: p.id },
    },
    h('h3', { id: headingId }, `${packetTitle(p)}, version ${p.version}`),
    h(
      'p',
      { class: 'muted' },
      'Incident ',
      h('a', { href: `#/incidents/${incident.id}` }, incident.title),
      p.dueAt ? [' · due ', countdown(p.dueAt)] : null,
      p.draftedAt ? [' · drafted ', timeEl(p.draftedAt)] : null,
    ),
    p.citation ? h('p', { class: 'small' }, p.citation) : null,
    packetFacts(p),
    elementsTable(p),
    incident.openedBy === user.id
      ? notice(
          'info',
          'You opened this incident: another compliance officer has to decide on its packets, and the server will refuse your decision.',
        )
      : null,
    packetDecisionForm(incident.id, p),
  );
}

async function approvalCard(incident, user) {
  const { items } = await api(`/api/incidents/${incident.id}/notices`);
  const pending = items.find((n) => n.status === 'pending_approval');
  const headingId = `approval-${incident.id}`;
  const article = h(
    'article',
    { class: 'card approval', 'aria-labelledby': headingId, dataset: { incidentId: incident.id } },
    h('h2', { id: headingId }, h('a', { href: `#/incidents/${incident.id}` }, incident.title)),
    h(
      'p',
      { class: 'muted' },
      'Opened ',
      timeEl(incident.createdAt),
      ' by ',
      incident.openedByName,
      ` · ${count(incident.counts.affected)} affected`,
      incident.nextDeadline ? [' · nearest deadline ', countdown(incident.nextDeadline.dueAt)] : null,
    ),
  );
  if (!pending) {
    article.append(notice('info', 'The notice is being drafted; refresh in a moment.'));
    return article;
  }
  const recipients = pending.variants.reduce((sum, v) => sum + v.recipients, 0);
  append(article, [
    h(
      'p',
      {},
      h('strong', {}, pending.content.title),
      ` — version ${pending.version}, drafted `,
      timeEl(pending.draftedAt),
      `. ${pending.variants.length} ${pending.variants.length === 1 ? 'variant' : 'variants'} for ${count(recipients)} recipients.`,
    ),
    pending.previewComplete
      ? null
      : notice('info', 'Only the first customers were examined for these previews; counts are of those.'),
    pending.variants.map((variant, index) => variantView(incident.id, variant, index)),
  ]);
  if (incident.openedBy === user.id) {
    article.append(
      notice(
        'info',
        'You opened this incident: another compliance officer has to decide on its notice, and the server will refuse your decision.',
      ),
    );
  }
  article.append(noticeDecisionForm(incident, pending));
  return article;
}

/** A variant's key reads 'en|parts=…|categories=email,ssn|self'; shown as words. */
function describeVariant(key) {
  const [language, ...rest] = key.split('|');
  const parts = Object.fromEntries(
    rest.map((p) => (p.includes('=') ? p.split(/=(.*)/s).slice(0, 2) : [p, true])),
  );
  const bits = [`Language ${language}`];
  if (parts.categories) bits.push(parts.categories.split(',').filter(Boolean).map(categoryLabel).join(', '));
  if (parts.representative) bits.push("to a customer's representative");
  if (parts.parts) bits.push(`legal parts: ${parts.parts.split(',').filter(Boolean).join(', ') || 'none'}`);
  if (parts.authorities) bits.push(`authorities: ${parts.authorities}`);
  return bits.join(' · ');
}

/** One notice variant as its customers receive it (also the incident page's amendment notice). */
export function variantView(incidentId, variant, index) {
  const id = `${incidentId}-v${index}`;
  return h(
    'details',
    { class: 'variant', open: index === 0 || variant.warnings?.length > 0 },
    h(
      'summary',
      {},
      h('strong', {}, `Variant ${index + 1}`),
      ` — ${count(variant.recipients)} ${variant.recipients === 1 ? 'recipient' : 'recipients'} · `,
      h('span', { class: 'muted' }, describeVariant(variant.key)),
    ),
    h('p', { class: 'subject' }, h('span', { class: 'muted' }, 'Subject: '), variant.sample.subject),
    // The law's restrictions the officer's free text may break (Illinois: no number affected).
    (variant.warnings ?? []).map((w) => notice('warning', h('strong', {}, 'Check before approving: '), w)),
    h(
      'div',
      { class: 'variant__parts' },
      h(
        'figure',
        {},
        h('figcaption', { id: `${id}-html` }, 'HTML, as the email client shows it'),
        // sandbox="" : no scripts, no forms, no navigation, an opaque origin.
        h('iframe', {
          class: 'mail-frame',
          sandbox: '',
          srcdoc: variant.sample.html,
          title: `Variant ${index + 1}: HTML part`,
          'aria-describedby': `${id}-html`,
        }),
      ),
      h(
        'figure',
        {},
        h('figcaption', {}, 'Plain-text part'),
        h('pre', { class: 'mail-text', tabindex: '0' }, variant.sample.text),
      ),
    ),
  );
}

function noticeDecisionForm(incident, pending) {
  const status = h('div', { class: 'decision-status' });
  // Ids carry the incident: the queue shows one form per incident.
  const prefix = `decision-${incident.id}`;
  const form = approveOrRejectForm({
    prefix,
    status,
    approve: 'Approve',
    reject: 'Reject',
    after: status,
    failed: (err) =>
      decisionFailure(err, {
        conflictOnly: true,
        message:
          err instanceof ApiError && err.field === 'comment'
            ? (err.issues[0]?.message ?? err.message)
            : err.message,
      }),
    send: async ({ decision, comment }) => {
      const result = await api(`/api/incidents/${incident.id}/approval`, {
        method: 'POST',
        // The decision names the version and text shown here: if it changed meanwhile, it is refused.
        body: {
          decision,
          noticeId: pending.id,
          contentHash: pending.contentHash,
          ...(comment ? { comment } : {}),
        },
      });
      replace(
        status,
        notice(
          'success',
          result.status === 'approved'
            ? `Approved version ${pending.version}: delivery has started. `
            : result.status === 'awaiting_quorum'
              ? `Your approval of version ${pending.version} is recorded: a second compliance approver is needed. `
              : `Rejected version ${pending.version}: it goes back for revision. `,
          h('a', { href: `#/incidents/${incident.id}` }, 'Follow the incident'),
        ),
      );
      form.elements.comment.disabled = true;
    },
  });
  return form;
}
