// The incident page's amendments (issue 17 item 1): the facts as the investigation now knows them —
// systems, categories, window, encryption and key, the named customers, the description — recorded
// with a reason as a new version beside every earlier one (api/routes/amendments.ts). Each version
// says what changed (before → after) and, once its workflow applied it, what re-identification found:
// people newly affected, people whose exposure grew (they get a supplement, see the mailings
// section), people no longer affected. The notice for the newly affected is approved or rejected
// here, bound to its content hash, and revised after a rejection. The server decides and refuses.
import { ApiError, api, can } from '../../api.js';
import { h, notice, replace } from '../../dom.js';
import { errorParagraph, field, instant, onSubmit } from '../../form.js';
import { count, timeEl } from '../../format.js';
import { AMENDMENT_STATE_LABELS, NOTICE_STATUS_LABELS, categoryLabel, label } from '../../labels.js';
import { cell, row, table } from '../../table.js';
import { variantView } from '../approvals.js';
import { approveOrRejectForm, awaitingQuorum } from '../decision.js';

const PREFIX = 'amend';

/** Incident statuses in which an amendment is accepted (core/use-cases/amendments.ts AMENDABLE). */
const AMENDABLE = ['drafting', 'awaiting_approval', 'completed', 'closed_no_notice'];

/** The facts an amendment may change, as the form names them, in the order errors are focused. */
const FACT_FIELDS = [
  'reason',
  'systems',
  'dataCategories',
  'occurredFrom',
  'occurredTo',
  'encrypted',
  'keyCompromised',
  'customerExternalIds',
  'description',
];

const FACT_LABELS = {
  description: 'Description',
  systems: 'Systems',
  dataCategories: 'Data',
  occurredFrom: 'Exposed from',
  occurredTo: 'Exposed until',
  encrypted: 'Encrypted',
  keyCompromised: 'Key compromised',
  customerExternalIds: 'Named customers',
};

/** 'YYYY-MM-DDTHH:mm' in the browser's zone: what a datetime-local holds. */
function localInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A fact's value in words, for the before → after lines. */
function factText(name, value) {
  if (value === null || value === undefined) return name === 'customerExternalIds' ? 'none named' : '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (name === 'occurredFrom' || name === 'occurredTo') return timeEl(value);
  if (name === 'dataCategories') return value.map(categoryLabel).join(', ');
  if (name === 'customerExternalIds') {
    const shown = value.slice(0, 8).join(', ');
    return value.length > 8 ? `${shown} and ${count(value.length - 8)} more` : shown;
  }
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

const sameValue = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The fields whose value differs between two versions of the facts. */
const changedFields = (v) => Object.keys(FACT_LABELS).filter((f) => !sameValue(v.before?.[f], v.after?.[f]));

/** What changed in a version, one line per fact: before → after. */
function changesList(v) {
  const fields = changedFields(v);
  if (!fields.length) return h('p', { class: 'muted small' }, 'Nothing changed.');
  return h(
    'ul',
    { class: 'amendment-changes small' },
    fields.map((f) =>
      h(
        'li',
        { dataset: { fact: f } },
        h('strong', {}, `${FACT_LABELS[f]}: `),
        f === 'description'
          ? h('span', {}, 'rewritten')
          : [
              h('span', { class: 'before' }, factText(f, v.before?.[f])),
              ' → ',
              h('span', { class: 'after' }, factText(f, v.after?.[f])),
            ],
      ),
    ),
  );
}

/** What applying found: added, grown, removed — or that it is still being applied. */
function diffCell(v) {
  if (!v.appliedAt)
    return h('span', { class: 'badge badge--amendment-applying' }, label(AMENDMENT_STATE_LABELS, 'applying'));
  return [
    h('span', { class: 'badge badge--amendment-applied' }, label(AMENDMENT_STATE_LABELS, 'applied')),
    h(
      'ul',
      { class: 'small amendment-diff' },
      h('li', { dataset: { count: 'added' } }, `${count(v.added ?? 0)} newly affected`),
      h(
        'li',
        { dataset: { count: 'grown' } },
        `${count(v.grown ?? 0)} with more exposed than their notice said`,
      ),
      h('li', { dataset: { count: 'removed' } }, `${count(v.removed ?? 0)} no longer affected`),
    ),
    h(
      'p',
      { class: 'muted small' },
      'Applied ',
      timeEl(v.appliedAt),
      v.delivers === false
        ? ' — the incident’s own notice, once approved, reaches the newly affected.'
        : v.delivers
          ? ' — the newly affected get their own notice once it is approved.'
          : '',
    ),
  ];
}

/**
 * The section element; `update(incident, notices)` redraws it when what the server answered changed
 * (called on each of the page's polls), `reload()` fetches again.
 */
export function amendmentsSection(incidentId, user) {
  const path = `/api/incidents/${incidentId}/amendments`;
  const list = h('div', { id: 'amendments-list' });
  const status = h('div', { id: 'amendments-status', role: 'status' });
  const panel = h('div', { id: 'amendments-panel' });
  const tools = h('div', { class: 'actions', id: 'amendments-tools' });
  const noticePanel = h('div', { id: 'amendment-notice' });
  let incident = null;
  let notices = [];
  let items = [];
  let signature;
  let toolsSignature;
  let noticeSignature;
  /** The version this page just recorded, until it is applied. */
  let justRecorded;

  const mayAmend = can.reviseNotice(user);

  const load = async (force = false) => {
    try {
      const answer = await api(path);
      items = answer.items ?? [];
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) items = [];
      else return replace(list, notice('error', `Could not load the amendments: ${err.message}`));
    }
    const next = JSON.stringify(items);
    const changed = next !== signature || force;
    // The notice for the newly affected carries rendered previews: fetched when the amendments
    // changed or the one named is not known yet, not on every poll.
    const wanted = items.find((v) => v.noticeId)?.noticeId;
    if (wanted && (changed || !notices.some((n) => n.id === wanted))) {
      try {
        notices = (await api(`/api/incidents/${incidentId}/notices`)).items ?? [];
      } catch (err) {
        replace(noticePanel, notice('error', `Could not load the notice: ${err.message}`));
      }
    }
    if (changed) {
      signature = next;
      drawList();
      // The "re-identifying…" line gives way once the version recorded here has been applied.
      const recorded = items.find((v) => v.version === justRecorded);
      if (recorded?.appliedAt) {
        justRecorded = undefined;
        replace(status, notice('success', `Amendment ${recorded.version} applied: see what it found below.`));
      }
    }
    drawNotice(changed);
  };

  const drawList = () => {
    if (!items.length)
      return replace(
        list,
        h(
          'p',
          { class: 'muted' },
          'Not amended: these are the facts the incident was opened with (version 1).',
        ),
      );
    replace(
      list,
      table({
        caption: 'Versions of the incident’s facts, newest first',
        compact: true,
        columns: ['Version', 'Reason', 'What changed', 'Re-identification'],
        rows: items.map((v) =>
          row(
            { dataset: { version: String(v.version) } },
            cell(
              { scope: 'row' },
              `Version ${v.version}`,
              h(
                'div',
                { class: 'muted small' },
                'by ',
                v.amendedByName ?? 'someone',
                ' ',
                timeEl(v.amendedAt),
              ),
            ),
            h('p', { class: 'amendment-reason' }, v.reason),
            changesList(v),
            diffCell(v),
          ),
        ),
      }),
    );
  };

  /** The notice for the newly affected of the newest amendment that has one. */
  const drawNotice = (force) => {
    const v = items.find((x) => x.noticeId || x.notice);
    const current = v && currentNotice(v);
    const next = JSON.stringify([v?.version, current?.id, current?.status, incident?.status]);
    if (next === noticeSignature && !force) return;
    noticeSignature = next;
    if (!v || !current) return replace(noticePanel);
    replace(noticePanel, noticeView(v, current));
  };

  /** The newest version of the notice from the amendment's draft on (the list carries its id). */
  const currentNotice = (v) => {
    const drafted = notices.find((n) => n.id === (v.notice?.id ?? v.noticeId));
    const newest = notices.reduce((a, n) => (!a || n.version > a.version ? n : a), null);
    const id = drafted && newest && newest.version >= drafted.version ? newest.id : drafted?.id;
    return notices.find((n) => n.id === id) ?? (v.notice ? { ...v.notice, variants: [] } : null);
  };

  const noticeView = (v, n) => {
    const heading = `notice-for-amendment-${v.version}`;
    return h(
      'article',
      {
        class: 'amendment-notice',
        'aria-labelledby': heading,
        dataset: { noticeId: n.id, status: n.status },
      },
      h('h3', { id: heading }, `Notice for the people amendment ${v.version} newly affects`),
      h(
        'p',
        {},
        h('strong', {}, `Notice version ${n.version}`),
        ' · ',
        h('span', { class: `badge badge--notice-${n.status}` }, label(NOTICE_STATUS_LABELS, n.status)),
        n.draftedAt ? [' · drafted ', timeEl(n.draftedAt)] : null,
      ),
      n.decisionComment ? h('blockquote', {}, n.decisionComment) : null,
      n.contentHash ? h('p', { class: 'hash small muted' }, `Content hash ${n.contentHash}`) : null,
      (n.variants ?? []).map((variant, index) => variantView(`amendment-${v.version}`, variant, index)),
      n.status === 'pending_approval' && can.decide(user) ? decisionForm(v, n) : null,
      n.status === 'rejected' && can.reviseNotice(user) ? reviseForm(v, n) : null,
    );
  };

  /** Compliance's decision on the notice as shown (its content hash); four-eyes rules on the server. */
  const decisionForm = (v, n) => {
    const prefix = `amendment-decision-${v.version}`;
    return approveOrRejectForm({
      prefix,
      status,
      attrs: { id: prefix },
      approve: 'Approve this notice',
      reject: 'Reject this notice',
      send: async ({ decision, comment }) => {
        const result = await api(`${path}/${v.version}/decision`, {
          method: 'POST',
          body: { decision, noticeId: n.id, contentHash: n.contentHash, ...(comment ? { comment } : {}) },
        });
        replace(
          status,
          notice(
            'success',
            awaitingQuorum(result)
              ? 'Your approval is recorded: a second compliance approver is needed.'
              : decision === 'approve'
                ? 'Notice approved: the newly affected are notified.'
                : 'Notice rejected: it goes back for revision.',
          ),
        );
        await refreshNotices();
      },
    });
  };

  /** After a rejection: new wording, a new version for someone else to approve. */
  const reviseForm = (v, n) => {
    const prefix = `amendment-revise-${v.version}`;
    const fields = [
      { name: 'whatHappened', label: 'What happened' },
      { name: 'whatWeAreDoing', label: 'What we are doing' },
    ];
    const form = h(
      'form',
      { class: 'revise', novalidate: true, id: prefix },
      h('h4', {}, 'Revise the wording'),
      fields.map((f) => field({ ...f, prefix, type: 'textarea', rows: 4, value: n.content?.[f.name] ?? '' })),
      h('button', { type: 'submit', class: 'button button--primary' }, 'Send for approval'),
    );
    return onSubmit(form, {
      names: fields.map((f) => f.name),
      prefix,
      status,
      pending: 'Sending the new wording…',
      failed: (marked, err) =>
        marked ? 'Not revised: correct the field marked above.' : `Not revised: ${err.message}`,
      send: async () => {
        await api(`${path}/${v.version}/notice`, {
          method: 'PUT',
          body: {
            whatHappened: form.elements.whatHappened.value.trim(),
            whatWeAreDoing: form.elements.whatWeAreDoing.value.trim(),
          },
        });
        replace(status, notice('success', 'The revised notice is waiting for approval.'));
        await refreshNotices();
      },
    });
  };

  const refreshNotices = async () => {
    notices = [];
    await load(true);
  };

  /** The button, or why amending is not possible now. */
  const drawTools = () => {
    if (!mayAmend || !incident) return replace(tools);
    const applying = items.find((v) => !v.appliedAt);
    const reason =
      incident.status === 'withdrawn'
        ? 'The incident is withdrawn: it can no longer be amended.'
        : applying
          ? `Amendment ${applying.version} is being applied: amend again once it is.`
          : !AMENDABLE.includes(incident.status)
            ? 'It can be amended before its notice is approved or once delivery has finished.'
            : null;
    const next = JSON.stringify([reason, panel.childElementCount > 0]);
    if (next === toolsSignature) return;
    toolsSignature = next;
    replace(
      tools,
      reason
        ? h('p', { class: 'muted', id: 'amend-unavailable' }, reason)
        : h(
            'button',
            {
              type: 'button',
              class: 'button',
              id: 'amend-open',
              onclick: () => void openForm(),
            },
            'Amend incident…',
          ),
    );
  };

  const openForm = async () => {
    replace(status);
    let summary;
    try {
      summary = await api('/api/inventory/summary');
    } catch (err) {
      return replace(status, notice('error', `Could not load the inventory’s systems: ${err.message}`));
    }
    const form = amendForm(incident, summary, {
      close: () => {
        replace(panel);
        toolsSignature = undefined;
        drawTools();
      },
      done: async (v) => {
        justRecorded = v.version;
        replace(panel);
        replace(
          status,
          notice('success', `Amended: version ${v.version} recorded. Re-identifying and re-assessing…`),
        );
        toolsSignature = undefined;
        await load(true);
        drawTools();
      },
    });
    replace(panel, form);
    toolsSignature = undefined;
    drawTools();
    form.querySelector('textarea')?.focus();
  };

  const amendForm = (current, summary, { close, done }) => {
    const id = (name) => `${PREFIX}-${name}`;
    const systems = [...new Set([...summary.systems, ...current.systems])];
    const categories = [...new Set([...summary.categories, ...current.dataCategories])];
    const group = (name, legend, hint, values, checked, labelOf = (x) => x) =>
      h(
        'fieldset',
        {
          class: 'field checkboxes',
          id: id(name),
          tabindex: '-1',
          'aria-describedby': `${id(name)}-hint ${id(name)}-error`,
          dataset: { field: name },
        },
        h('legend', {}, legend),
        h('p', { id: `${id(name)}-hint`, class: 'hint' }, hint),
        h(
          'div',
          { class: 'checkbox-grid' },
          values.map((value) =>
            h(
              'label',
              { class: 'checkbox' },
              h('input', { type: 'checkbox', name, value, checked: checked.includes(value) }),
              ' ',
              labelOf(value),
            ),
          ),
        ),
        errorParagraph(id(name)),
      );
    const checkbox = (name, text, checked, hint) =>
      h(
        'div',
        { class: 'field', dataset: { field: name } },
        h(
          'label',
          { class: 'checkbox', for: id(name) },
          h('input', {
            type: 'checkbox',
            id: id(name),
            name,
            checked,
            'aria-describedby': [hint ? `${id(name)}-hint` : null, `${id(name)}-error`]
              .filter(Boolean)
              .join(' '),
          }),
          ` ${text}`,
        ),
        hint ? h('p', { id: `${id(name)}-hint`, class: 'hint' }, hint) : null,
        errorParagraph(id(name)),
      );
    const initial = {
      description: current.description,
      systems: [...current.systems].sort(),
      dataCategories: [...current.dataCategories].sort(),
      occurredFrom: localInput(current.occurredFrom),
      occurredTo: localInput(current.occurredTo),
      encrypted: current.encrypted,
      keyCompromised: current.keyCompromised,
      customerExternalIds: (current.customerExternalIds ?? []).join('\n'),
    };
    const form = h(
      'form',
      {
        class: 'form obligation-action',
        id: `${PREFIX}-form`,
        novalidate: true,
        'aria-labelledby': `${PREFIX}-title`,
      },
      h(
        'h3',
        { id: `${PREFIX}-title` },
        `Amend incident (version ${items[0]?.version ?? 1} → ${(items[0]?.version ?? 1) + 1})`,
      ),
      h(
        'p',
        { class: 'hint' },
        'Change what the investigation now knows. The earlier version is kept with your reason; the affected people are re-identified as a difference and the obligations re-assessed. The newly affected get the notice (approved as usual), people whose exposure grew a supplement, people already told nothing more.',
      ),
      field({
        name: 'reason',
        prefix: PREFIX,
        label: 'Reason for the amendment',
        hint: 'Kept with the version and in the audit trail, e.g. “forensics found the billing system exposed too”.',
        type: 'textarea',
        rows: 2,
      }),
      group('systems', 'Affected systems', 'The systems the inventory knows.', systems, current.systems),
      group(
        'dataCategories',
        'Exposed data categories',
        'Categories held in the inventory.',
        categories,
        current.dataCategories,
        categoryLabel,
      ),
      h(
        'div',
        { class: 'row' },
        field({
          name: 'occurredFrom',
          prefix: PREFIX,
          label: 'Exposed from',
          type: 'datetime-local',
          hint: 'Empty: not known.',
          attrs: { value: initial.occurredFrom },
        }),
        field({
          name: 'occurredTo',
          prefix: PREFIX,
          label: 'Exposed until',
          type: 'datetime-local',
          hint: 'Empty: not known.',
          attrs: { value: initial.occurredTo },
        }),
      ),
      h(
        'fieldset',
        { class: 'field' },
        h('legend', {}, 'Encryption'),
        checkbox('encrypted', 'The exposed data was encrypted', current.encrypted),
        checkbox(
          'keyCompromised',
          'The encryption key was compromised too',
          current.keyCompromised,
          'Encrypted data with a safe key usually needs no notice; a compromised key means it does.',
        ),
      ),
      field({
        name: 'customerExternalIds',
        prefix: PREFIX,
        label: 'Customers named as affected',
        type: 'textarea',
        value: initial.customerExternalIds,
        attrs: { spellcheck: 'false' },
        hint: 'External ids, one per line or comma-separated, added to those the systems find. Empty: nobody named.',
      }),
      field({
        name: 'description',
        prefix: PREFIX,
        label: 'What happened',
        type: 'textarea',
        rows: 4,
        value: initial.description,
      }),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'button button--primary' }, 'Record the amendment'),
        h('button', { type: 'button', class: 'button button--quiet', onclick: close }, 'Cancel'),
      ),
    );
    const encrypted = form.elements.encrypted;
    const keyCompromised = form.elements.keyCompromised;
    const sync = () => {
      keyCompromised.disabled = !encrypted.checked;
      if (!encrypted.checked) keyCompromised.checked = false;
    };
    encrypted.addEventListener('change', sync);
    sync();

    /** Only what differs from the facts shown: a field left as it was keeps its value. */
    const changesOf = () => {
      const checked = (name) =>
        [...form.querySelectorAll(`input[name=${name}]:checked`)].map((el) => el.value).sort();
      const changes = {};
      const description = form.elements.description.value.trim();
      if (description !== initial.description.trim()) changes.description = description;
      for (const name of ['systems', 'dataCategories']) {
        const now = checked(name);
        if (!sameValue(now, initial[name])) changes[name] = now;
      }
      for (const name of ['occurredFrom', 'occurredTo']) {
        const now = form.elements[name].value;
        if (now !== initial[name]) changes[name] = instant(now) ?? null;
      }
      for (const name of ['encrypted', 'keyCompromised']) {
        if (form.elements[name].checked !== initial[name]) changes[name] = form.elements[name].checked;
      }
      const ids = form.elements.customerExternalIds.value.split(/[\s,;]+/).filter(Boolean);
      if (!sameValue(ids, current.customerExternalIds ?? []))
        changes.customerExternalIds = ids.length ? ids : null;
      return changes;
    };

    onSubmit(form, {
      names: FACT_FIELDS,
      prefix: PREFIX,
      status,
      pending: 'Recording the amendment…',
      failed: (marked, err) =>
        marked
          ? `Not amended: correct the ${marked === 1 ? 'field' : `${marked} fields`} marked above.`
          : `Not amended: ${err.message}`,
      send: async () => {
        try {
          const version = await api(path, {
            method: 'POST',
            body: { reason: form.elements.reason.value.trim(), changes: changesOf() },
          });
          await done(version);
        } catch (err) {
          // The API names `changes.systems`; the form's field is `systems`.
          if (err instanceof ApiError)
            err.issues = err.issues.map((i) => ({ ...i, field: i.field?.replace(/^changes\./, '') }));
          throw err;
        }
      },
    });
    return form;
  };

  const element = h(
    'section',
    { class: 'card', id: 'amendments', 'aria-labelledby': 'amendments-title' },
    h('h2', { id: 'amendments-title' }, 'Amendments'),
    h(
      'p',
      { class: 'muted' },
      'Each amendment of the facts is a new version kept with its reason; the people are re-identified as a difference.',
    ),
    tools,
    status,
    panel,
    list,
    noticePanel,
  );

  return {
    element,
    reload: () => load(true),
    /** Whether something is still moving: an amendment being applied, or its notice awaiting a decision. */
    busy: () =>
      // Applied and delivering: its notice for the newly affected is drafted next.
      items.some((v) => !v.appliedAt || (v.delivers && !v.noticeId)) ||
      notices.some((n) => n.status === 'pending_approval' && items.some((v) => v.noticeId)),
    /** The amendments as last fetched, newest first. */
    items: () => items,
    /** The incident as the page last fetched it; the amendments are fetched again. */
    async update(current) {
      incident = current;
      await load(false);
      drawTools();
    },
  };
}
