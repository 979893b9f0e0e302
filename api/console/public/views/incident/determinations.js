// The incident page's determinations: the judgements the law leaves to compliance — no risk of harm
// (with the facts that support it), the lead supervisory authority under GDPR Art. 56, an exemption,
// a safe harbour, a law-enforcement request — each proposed by one compliance user and approved or
// rejected by a second (never the proposer, never whoever opened the incident). An approved one sets
// the obligations it covers to not required (the reason shown with them) and may create the duties
// that follow from it (Alaska: written notice to the Attorney General, AS 45.48.010(c)). Everything
// goes through api/routes/determinations.ts; the server decides and refuses.
import { ApiError, api, can } from '../../api.js';
import { h, notice, replace } from '../../dom.js';
import { checkboxGroup, field, onSubmit } from '../../form.js';
import { timeEl } from '../../format.js';
import {
  AUDIENCE_LABELS,
  DETERMINATION_KIND_LABELS,
  DETERMINATION_STATUS_LABELS,
  label,
} from '../../labels.js';
import { cell, row, table } from '../../table.js';
import { approveOrRejectForm, personName } from '../decision.js';

/** What each kind means, said beside the choice. */
const KIND_HINTS = {
  no_risk_of_harm:
    'An investigation found no reasonable likelihood of harm. Some states then ask for the determination in writing (Alaska, Florida, New York, Vermont): those duties are created.',
  lead_supervisory_authority:
    'GDPR one-stop shop (Art. 56): only the lead supervisory authority is notified; the other EU/EEA authorities’ obligations become not required.',
  exemption: 'Another statutory exemption, e.g. encrypted data whose key was not exposed.',
  safe_harbour:
    'Notice under your own policy or a primary regulator’s rules that the statute deems compliant.',
  law_enforcement_request:
    'A law-enforcement agency asked for a delay: nothing becomes not required; notice is held.',
  incident_withdrawal:
    'The incident is withdrawn as a whole (a false alarm, a duplicate): every obligation becomes not required and nothing more is sent. It cannot be undone.',
};

const obligationLabel = (o) => `${o.jurisdiction} · ${label(AUDIENCE_LABELS, o.audience)}`;

/** The section element, `reload()` to fetch the determinations again, `setObligations()` for the scope choice. */
export function determinationsSection(incidentId, user) {
  const path = `/api/incidents/${incidentId}/determinations`;
  const list = h('div', { id: 'determinations-list' });
  const status = h('div', { id: 'determinations-status', role: 'status' });
  const panel = h('div', { id: 'determinations-panel' });
  let obligations = [];
  let items = [];
  let signature;
  const names = new Map();

  const done = async (message) => {
    replace(status, notice('success', message));
    replace(panel);
    await load(true);
  };

  const load = async (force = false) => {
    try {
      const answer = await api(path);
      items = answer.items ?? [];
    } catch (err) {
      if (err instanceof ApiError && err.status === 404)
        return replace(list, h('p', { class: 'muted' }, 'No determinations recorded.'));
      return replace(list, notice('error', `Could not load the determinations: ${err.message}`));
    }
    const next = JSON.stringify(items);
    if (next === signature && !force) return;
    signature = next;
    draw();
  };

  const scopeText = (d) => {
    const named = (d.obligationIds ?? [])
      .map((id) => obligations.find((o) => o.id === id))
      .filter(Boolean)
      .map(obligationLabel);
    if (named.length) return named.join(', ');
    const parts = [
      d.jurisdictions?.length ? d.jurisdictions.join(', ') : null,
      d.ruleIds?.length ? `rules ${d.ruleIds.join(', ')}` : null,
    ].filter(Boolean);
    return parts.length ? parts.join(' · ') : 'The whole incident';
  };
  const who = (id, name) => personName(user, id, name ?? names.get(id));

  const draw = () => {
    if (!items.length)
      return replace(
        list,
        h('p', { class: 'muted' }, 'No determinations recorded. Compliance may propose one below.'),
      );
    replace(
      list,
      table({
        caption: 'Determinations, newest first',
        compact: true,
        columns: ['Determination', 'Covers', 'Reason and facts', 'Status', can.decide(user) ? '' : false],
        rows: items.map((d) =>
          row(
            { dataset: { determinationId: d.id, status: d.status } },
            cell(
              { scope: 'row' },
              label(DETERMINATION_KIND_LABELS, d.kind),
              d.leadJurisdiction
                ? h('div', { class: 'small' }, `Lead authority: ${d.leadJurisdiction}`)
                : null,
              d.requestForm
                ? h(
                    'div',
                    { class: 'small' },
                    `Request made ${d.requestForm === 'oral' ? 'orally' : 'in writing'}`,
                  )
                : null,
            ),
            cell({ class: 'small' }, scopeText(d)),
            [
              h('p', { class: 'determination-reason' }, d.reason),
              d.facts?.length
                ? h(
                    'ul',
                    { class: 'small' },
                    d.facts.map((f) => h('li', {}, f)),
                  )
                : null,
            ],
            [
              h(
                'span',
                { class: `badge badge--determination-${d.status}` },
                label(DETERMINATION_STATUS_LABELS, d.status),
              ),
              h(
                'div',
                { class: 'muted small' },
                'Proposed by ',
                who(d.proposedBy, d.proposedByName),
                ' ',
                timeEl(d.proposedAt),
              ),
              d.decidedAt
                ? h(
                    'div',
                    { class: 'muted small' },
                    `${d.status === 'rejected' ? 'Rejected' : 'Approved'} by `,
                    who(d.decidedBy, d.decidedByName),
                    ' ',
                    timeEl(d.decidedAt),
                    d.decisionComment ? ` — “${d.decisionComment}”` : '',
                  )
                : null,
              d.withdrawnAt
                ? h(
                    'div',
                    { class: 'muted small' },
                    'Withdrawn by ',
                    who(d.withdrawnBy, d.withdrawnByName),
                    ' ',
                    timeEl(d.withdrawnAt),
                    d.withdrawalReason ? ` — “${d.withdrawalReason}”` : '',
                  )
                : null,
            ],
            can.decide(user)
              ? cell(
                  { class: 'row-actions' },
                  d.status === 'proposed'
                    ? button('Decide…', d, () => replace(panel, decisionForm(d)))
                    : null,
                  d.status === 'proposed' || (d.status === 'approved' && d.kind !== 'incident_withdrawal')
                    ? button('Withdraw…', d, () => replace(panel, withdrawForm(d)))
                    : null,
                )
              : false,
          ),
        ),
      }),
    );
  };

  const button = (text, d, onclick) =>
    h(
      'button',
      { type: 'button', class: 'button button--small', onclick },
      text,
      h(
        'span',
        { class: 'visually-hidden' },
        ` on ${label(DETERMINATION_KIND_LABELS, d.kind)} (${scopeText(d)})`,
      ),
    );

  /** The second person's decision; the proposer's and the opener's are refused by the server. */
  const decisionForm = (d) => {
    const prefix = 'determination-decision';
    return approveOrRejectForm({
      prefix,
      status,
      attrs: { class: 'form obligation-action', id: prefix, 'aria-labelledby': `${prefix}-title` },
      before: [
        h(
          'h3',
          { id: `${prefix}-title` },
          `Decide: ${label(DETERMINATION_KIND_LABELS, d.kind)} (${scopeText(d)})`,
        ),
        h('p', { class: 'hint' }, d.reason),
        h(
          'p',
          { class: 'hint' },
          'Approved, the obligations it covers become not required, with this reason kept, and the duties that follow from it are created. You may not decide on what you proposed.',
        ),
      ],
      hint: 'Required to reject. Recorded in the audit trail.',
      maxlength: null,
      approve: 'Approve determination',
      reject: 'Reject determination',
      more: h(
        'button',
        { type: 'button', class: 'button button--quiet', onclick: () => replace(panel) },
        'Cancel',
      ),
      send: async ({ decision, comment }) => {
        await api(`${path}/${d.id}/decision`, {
          method: 'POST',
          body: { decision, ...(comment ? { comment } : {}) },
        });
        await done(
          decision === 'approve'
            ? `Determination approved: ${label(DETERMINATION_KIND_LABELS, d.kind)}. The obligations are re-assessed.`
            : 'Determination rejected.',
        );
      },
    });
  };

  const withdrawForm = (d) => {
    const prefix = 'determination-withdraw';
    const form = h(
      'form',
      { class: 'form obligation-action', id: prefix, novalidate: true, 'aria-labelledby': `${prefix}-title` },
      h(
        'h3',
        { id: `${prefix}-title` },
        `Withdraw: ${label(DETERMINATION_KIND_LABELS, d.kind)} (${scopeText(d)})`,
      ),
      h(
        'p',
        { class: 'hint' },
        'Withdrawn, it no longer counts: the obligations are re-assessed without it. It stays on record.',
      ),
      field({ name: 'reason', prefix, label: 'Why withdraw it', type: 'textarea', rows: 2 }),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'button button--danger' }, 'Withdraw determination'),
        h(
          'button',
          { type: 'button', class: 'button button--quiet', onclick: () => replace(panel) },
          'Cancel',
        ),
      ),
    );
    onSubmit(form, {
      names: ['reason'],
      prefix,
      status,
      once: true,
      pending: 'Withdrawing…',
      failed: (marked, err) =>
        marked ? 'Not withdrawn: correct the field marked above.' : `Not withdrawn: ${err.message}`,
      send: async () => {
        await api(`${path}/${d.id}/withdrawal`, {
          method: 'POST',
          body: { reason: form.elements.reason.value.trim() },
        });
        await done('Determination withdrawn.');
      },
    });
    return form;
  };

  /** A new determination: kind, what it covers (obligations, or the whole incident), reason and facts. */
  const proposeForm = () => {
    const prefix = 'determination';
    const open = obligations.filter((o) => o.status !== 'met');
    const kindHint = h('p', { class: 'hint', id: `${prefix}-kind-meaning` }, KIND_HINTS.no_risk_of_harm);
    const form = h(
      'form',
      {
        class: 'form obligation-action',
        id: `${prefix}-form`,
        novalidate: true,
        'aria-labelledby': `${prefix}-title`,
      },
      h('h3', { id: `${prefix}-title` }, 'Propose a determination'),
      h(
        'p',
        { class: 'hint' },
        'A second compliance user approves or rejects it; until then nothing changes.',
      ),
      field({
        name: 'kind',
        prefix,
        label: 'Determination',
        type: 'select',
        options: Object.keys(DETERMINATION_KIND_LABELS).map((k) => ({
          value: k,
          label: label(DETERMINATION_KIND_LABELS, k),
        })),
        attrs: {
          onchange: (e) => {
            kindHint.textContent = KIND_HINTS[e.target.value] ?? '';
            lead.hidden = e.target.value !== 'lead_supervisory_authority';
            requestForm.hidden = e.target.value !== 'law_enforcement_request';
          },
        },
      }),
      kindHint,
      checkboxGroup({
        name: 'obligationIds',
        legend: 'Obligations it covers',
        hint: 'None checked: the whole incident.',
        values: open.map((o) => o.id),
        labelOf: (id) => {
          const o = open.find((x) => x.id === id);
          return `${obligationLabel(o)} — ${o.citation}`;
        },
        empty: h('p', { class: 'muted' }, 'No open obligation: it covers the whole incident.'),
      }),
      field({
        name: 'reason',
        prefix,
        label: 'Reason',
        hint: 'Shown with every obligation it covers and kept in the record.',
        type: 'textarea',
      }),
      field({
        name: 'facts',
        prefix,
        label: 'Facts that support it',
        hint: 'One a line: e.g. a forensic finding, the encryption and where the key was.',
        type: 'textarea',
      }),
      h('button', { type: 'submit', class: 'button button--primary' }, 'Propose'),
      h('button', { type: 'button', class: 'button button--quiet', onclick: () => replace(panel) }, 'Cancel'),
    );
    const lead = field({
      name: 'leadJurisdiction',
      prefix,
      label: 'Member state of the lead supervisory authority',
      hint: 'Its two-letter code, e.g. IE: where the main establishment is (GDPR Art. 56(1)).',
      attrs: { maxlength: '2', autocomplete: 'off' },
    });
    lead.hidden = true;
    const requestForm = field({
      name: 'requestForm',
      prefix,
      label: 'The request was made',
      type: 'select',
      options: [
        { value: 'written', label: 'In writing' },
        { value: 'oral', label: 'Orally (HIPAA: 30 days at most, 45 CFR 164.412(b))' },
      ],
    });
    requestForm.hidden = true;
    form.elements.kind.closest('.field').after(lead, requestForm);
    onSubmit(form, {
      names: ['kind', 'leadJurisdiction', 'requestForm', 'obligationIds', 'reason', 'facts'],
      prefix,
      status,
      pending: 'Proposing…',
      failed: (marked, err) =>
        marked
          ? 'Nothing was proposed: correct the field marked above.'
          : `Nothing was proposed: ${err.message}`,
      send: async () => {
        const kind = form.elements.kind.value;
        const obligationIds = [...form.querySelectorAll('input[name=obligationIds]:checked')].map(
          (i) => i.value,
        );
        const facts = form.elements.facts.value
          .split('\n')
          .map((f) => f.trim())
          .filter(Boolean);
        await api(path, {
          method: 'POST',
          body: {
            kind,
            reason: form.elements.reason.value.trim(),
            facts,
            obligationIds,
            ...(kind === 'lead_supervisory_authority'
              ? { leadJurisdiction: form.elements.leadJurisdiction.value.trim().toUpperCase() }
              : {}),
            ...(kind === 'law_enforcement_request' ? { requestForm: form.elements.requestForm.value } : {}),
          },
        });
        await done(`Proposed: ${label(DETERMINATION_KIND_LABELS, kind)}. A second compliance user decides.`);
      },
    });
    return form;
  };

  const element = h(
    'section',
    { class: 'card', id: 'determinations', 'aria-labelledby': 'determinations-title' },
    h('h2', { id: 'determinations-title' }, 'Determinations'),
    h(
      'p',
      { class: 'muted' },
      'Decisions compliance records about what the law asks of this incident, each approved by a second person.',
    ),
    list,
    can.decide(user)
      ? h(
          'div',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'button',
              onclick: () => {
                replace(panel, proposeForm());
                panel.querySelector('select')?.focus();
              },
            },
            'Propose a determination',
          ),
        )
      : null,
    status,
    panel,
  );

  return {
    element,
    reload: () => load(true),
    update: () => load(false),
    /** The current obligations (the scope to choose from), and staff names known to the page. */
    setObligations(current, known) {
      obligations = current?.items ?? [];
      for (const [id, name] of known ?? []) names.set(id, name);
    },
  };
}
