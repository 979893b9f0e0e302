// The incident page's remediation codes (issue 17 item 4): the vendor's file of enrolment codes for
// credit monitoring or identity-theft protection imported for this incident (one pool per product:
// provider, product, term, enrol-by date, adults or minors), how the codes stand against the people
// whose notice must offer the service (the law: Connecticut, Delaware, Massachusetts, DC… for exposed
// SSNs, each with its term), the low-pool warning when they will not go round, and who was left
// without a code. Everything through core/use-cases/remediation-codes.ts behind its routes; the
// server parses and checks the file and names the line at fault.
import { ApiError, api, can } from '../../api.js';
import { h, notice, replace } from '../../dom.js';
import { errorParagraph, field, onSubmit } from '../../form.js';
import { count, timeEl } from '../../format.js';
import { cell, row, table } from '../../table.js';

const PREFIX = 'codes';

/** The largest file read in the browser (the server has its own limit). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** `{ adults, minors }` in words. */
const byAge = (n) =>
  n.minors ? `${count(n.adults)} adults, ${count(n.minors)} minors` : `${count(n.adults)}`;

/** 'Imported 1 code in 1 pool.' */
function imported(pools) {
  const codes = pools.reduce((n, p) => n + p.codes, 0);
  return `Imported ${count(codes)} ${codes === 1 ? 'code' : 'codes'} in ${pools.length} ${pools.length === 1 ? 'pool' : 'pools'}.`;
}

/** Who may see and import codes: officers and compliance (CODE_ROLES). */
const mayHandle = (user) => ['officer', 'compliance'].includes(user.role);

/** The section element (null for roles that do not handle codes) and `update(withdrawn)`. */
export function codesSection(incidentId, user) {
  if (!mayHandle(user) && !can.exportDossier(user)) return null;
  const path = `/api/incidents/${incidentId}/remediation-codes`;
  const body = h('div', { id: 'codes-status' });
  const status = h('div', { id: 'codes-form-status', role: 'status' });
  const panel = h('div', { id: 'codes-panel' });
  const tools = h('div', { class: 'actions', id: 'codes-tools' });
  const without = h('div', { id: 'codes-without' });
  let signature;
  let withdrawn = false;
  let available = true;

  const load = async (force = false) => {
    let answer;
    try {
      answer = await api(path);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        available = false;
        replace(tools);
        return replace(body, h('p', { class: 'muted' }, 'Remediation codes are not available here yet.'));
      }
      if (err instanceof ApiError && err.status === 403) {
        available = false;
        return replace(body, h('p', { class: 'muted' }, 'Codes are handled by officers and compliance.'));
      }
      return replace(body, notice('error', `Could not load the codes: ${err.message}`));
    }
    available = true;
    const next = JSON.stringify([answer, withdrawn]);
    if (next === signature && !force) return;
    signature = next;
    draw(answer);
  };

  const draw = (s) => {
    const short = (s.short?.adults ?? 0) + (s.short?.minors ?? 0);
    const eligible = (s.eligible?.adults ?? 0) + (s.eligible?.minors ?? 0);
    const pools = s.pools ?? [];
    replace(
      body,
      short > 0
        ? notice(
            'warning',
            h('strong', {}, 'Not enough codes: '),
            `${byAge(s.short)} eligible ${short === 1 ? 'person' : 'people'} will be left without one. `,
            'Import more from the vendor before delivery; whoever is left without a code is listed below for support to follow up.',
          )
        : null,
      (s.termTooShort ?? []).length
        ? notice(
            'warning',
            h('strong', {}, 'Term shorter than the law requires: '),
            `${s.termTooShort.join('; ')} (required: ${s.requiredMonths?.adults ?? 0} months for adults, ${s.requiredMonths?.minors ?? 0} for minors).`,
          )
        : null,
      (s.expired ?? []).length
        ? notice('info', `Enrol-by date passed, no longer handed out: ${s.expired.join('; ')}.`)
        : null,
      h(
        'dl',
        { class: 'facts', id: 'codes-figures' },
        h(
          'div',
          {},
          h('dt', {}, 'Eligible'),
          h('dd', { dataset: { figure: 'eligible' } }, eligible ? byAge(s.eligible) : 'nobody'),
        ),
        h(
          'div',
          {},
          h('dt', {}, 'Given a code'),
          h('dd', { dataset: { figure: 'withCode' } }, byAge(s.withCode ?? { adults: 0, minors: 0 })),
        ),
        h(
          'div',
          {},
          h('dt', {}, 'Codes free'),
          h('dd', { dataset: { figure: 'free' } }, byAge(s.free ?? { adults: 0, minors: 0 })),
        ),
        h(
          'div',
          {},
          h('dt', {}, 'Short'),
          h('dd', { dataset: { figure: 'short' } }, short ? byAge(s.short) : 'none'),
        ),
      ),
      (s.requiredBy ?? []).length
        ? h(
            'p',
            { class: 'small' },
            'Required by: ',
            s.requiredBy.map((r) => `${r.citation} (${r.months} months)`).join('; '),
          )
        : h(
            'p',
            { class: 'small muted' },
            'No rule asks this incident’s notices to offer identity-theft protection.',
          ),
      pools.length
        ? table({
            caption: 'Code pools imported for this incident',
            compact: true,
            columns: ['Product', 'For', 'Term', 'Enrol by', 'Codes', 'Free', 'Imported'],
            rows: pools.map((p) =>
              row(
                { dataset: { poolId: p.id } },
                cell(
                  { scope: 'row' },
                  `${p.provider} — ${p.product}`,
                  h(
                    'div',
                    { class: 'small' },
                    h('a', { href: p.enrollUrl, target: '_blank', rel: 'noopener noreferrer' }, p.enrollUrl),
                  ),
                ),
                p.forMinors ? 'Minors' : 'Adults',
                `${p.termMonths} months`,
                p.enrollBy,
                cell({ class: 'num' }, count(p.codes)),
                cell({ class: 'num' }, count(p.free)),
                timeEl(p.importedAt),
              ),
            ),
          })
        : h('p', { class: 'muted' }, 'No codes imported.'),
    );
    replace(
      tools,
      !mayHandle(user) || !available
        ? null
        : withdrawn
          ? h('p', { class: 'muted' }, 'The incident is withdrawn: no codes are handed out.')
          : [
              panel.childElementCount
                ? null
                : h(
                    'button',
                    { type: 'button', class: 'button', id: 'codes-open', onclick: openForm },
                    'Import codes…',
                  ),
              short > 0 || (s.withCode && eligible > 0)
                ? h(
                    'button',
                    { type: 'button', class: 'button button--quiet', onclick: () => void showWithout() },
                    'Who has no code',
                  )
                : null,
            ],
    );
  };

  /** Eligible people without a code (ids and reference codes only), 100 at a time. */
  const showWithout = async (after = 0) => {
    try {
      const answer = await api(`${path}/without?after=${after}&limit=100`);
      const items = answer.items ?? [];
      replace(
        without,
        h('h3', {}, 'Eligible, without a code'),
        items.length
          ? table({
              caption: 'Eligible people without a code',
              compact: true,
              columns: ['Reference', 'Customer', 'Jurisdiction', 'Minor', 'Email'],
              rows: items.map((p) =>
                row(
                  {},
                  cell({ scope: 'row' }, p.referenceCode),
                  p.externalId,
                  p.jurisdiction,
                  p.minor ? 'yes' : 'no',
                  p.deliveryStatus ?? 'not emailed yet',
                ),
              ),
            })
          : h('p', { class: 'muted' }, 'Everyone eligible has a code.'),
        answer.next
          ? h(
              'button',
              { type: 'button', class: 'button button--small', onclick: () => void showWithout(answer.next) },
              'Next 100',
            )
          : null,
      );
    } catch (err) {
      replace(without, notice('error', `Could not list them: ${err.message}`));
    }
  };

  const openForm = () => {
    replace(status);
    const fileId = `${PREFIX}-file`;
    const form = h(
      'form',
      {
        class: 'form obligation-action',
        id: `${PREFIX}-form`,
        novalidate: true,
        'aria-labelledby': `${PREFIX}-title`,
      },
      h('h3', { id: `${PREFIX}-title` }, 'Import codes from the vendor'),
      h(
        'div',
        { class: 'field', dataset: { field: 'csv' } },
        h('label', { for: fileId }, 'Vendor’s file (CSV)'),
        h(
          'p',
          { id: `${fileId}-hint`, class: 'hint' },
          'Columns provider, product, term_months, enroll_by (YYYY-MM-DD), code, minor (yes/no); one code a line. The same file twice changes nothing.',
        ),
        h('input', {
          type: 'file',
          id: fileId,
          name: 'csv',
          accept: '.csv,text/csv',
          'aria-describedby': `${fileId}-hint ${fileId}-error`,
        }),
        errorParagraph(fileId),
      ),
      field({
        name: 'enrollUrl',
        prefix: PREFIX,
        label: 'Where people enrol',
        hint: 'The vendor’s enrolment page (https://…): printed in the notice and linked from each person’s page.',
        type: 'url',
        attrs: { autocomplete: 'off', spellcheck: 'false' },
      }),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'button button--primary' }, 'Import'),
        h('button', { type: 'button', class: 'button button--quiet', onclick: close }, 'Cancel'),
      ),
    );
    onSubmit(form, {
      names: ['file', 'enrollUrl'],
      prefix: PREFIX,
      status,
      pending: 'Importing the codes…',
      failed: (marked, err) =>
        marked
          ? `Not imported: ${err.issues[0]?.message ?? 'correct the field marked above.'}`
          : `Not imported: ${err.message}`,
      send: async () => {
        const file = form.elements.csv.files?.[0];
        if (!file) throw new ApiError(400, { field: 'file', message: 'file: Choose the vendor’s file.' });
        if (file.size > MAX_FILE_BYTES)
          throw new ApiError(400, { field: 'file', message: 'file: The file is too large.' });
        try {
          const result = await api(path, {
            method: 'POST',
            body: { csv: await file.text(), enrollUrl: form.elements.enrollUrl.value.trim() },
          });
          close();
          const pools = result?.pools ?? [];
          replace(
            status,
            notice(
              'success',
              result?.alreadyImported ? 'This file was imported before: nothing changed.' : imported(pools),
            ),
          );
          await load(true);
        } catch (err) {
          // The file field is `codes-file`; the API names `csv`.
          if (err instanceof ApiError)
            err.issues = err.issues.map((i) => ({ ...i, field: i.field === 'csv' ? 'file' : i.field }));
          throw err;
        }
      },
    });
    replace(panel, form);
    signature = undefined;
    void load(true);
    form.elements.csv.focus();
  };

  const close = () => {
    replace(panel);
    signature = undefined;
    void load(true);
  };

  const element = h(
    'section',
    { class: 'card', id: 'codes', 'aria-labelledby': 'codes-title' },
    h('h2', { id: 'codes-title' }, 'Remediation codes'),
    h(
      'p',
      { class: 'muted' },
      'Enrolment codes for credit monitoring or identity-theft protection: one per eligible person, given when their notice is claimed, shown in the notice and on their page.',
    ),
    body,
    tools,
    status,
    panel,
    without,
  );

  return {
    element,
    reload: () => load(true),
    async update(isWithdrawn) {
      withdrawn = Boolean(isWithdrawn);
      await load(false);
    },
  };
}
