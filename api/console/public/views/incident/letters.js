// The incident page's printed letters: each batch for the mail house (status, letters by status,
// its files to download), and the mail house's two answers — letters posted (a whole batch on a
// date, or its CSV of reference,posted_on) and returned mail (a CSV of reference,reason). Files hold
// names and addresses: only officers and compliance get them, and each download is audited.
import { api, can, download } from '../../api.js';
import { h, notice, replace } from '../../dom.js';
import { field, onSubmit } from '../../form.js';
import { count, timeEl } from '../../format.js';
import { LETTER_BATCH_STATUS_LABELS, label } from '../../labels.js';
import { cell, row, table } from '../../table.js';

const today = () => new Date().toISOString().slice(0, 10);

/** The section element, and `reload()` to fetch the batches again. */
export function lettersSection(incidentId, user) {
  const mayHandle = can.handleLetters(user);
  const list = h('div', { id: 'letters-batches' });
  const status = h('div', { id: 'letters-status', role: 'status' });
  let batches = [];

  const fileButton = (batch, name) =>
    h(
      'button',
      {
        type: 'button',
        class: 'button button--small',
        onclick: () =>
          download(`/api/incidents/${incidentId}/letters/${batch.id}/files/${name}`, name).catch((err) =>
            replace(status, notice('error', `Could not download ${name}: ${err.message}`)),
          ),
      },
      name,
    );

  const batchesTable = () =>
    table({
      caption: 'Letter batches',
      compact: true,
      columns: ['Opened', 'Why', 'Status', 'Letters', 'Posted', 'Returned', mayHandle && 'Files'],
      rows: batches.map((b) =>
        row(
          {},
          cell({}, timeEl(b.createdAt)),
          b.key.replace(/^incident-[0-9a-f-]+-letters-/, ''),
          label(LETTER_BATCH_STATUS_LABELS, b.status),
          count(b.letters),
          count(b.counts.posted),
          count(b.counts.returned),
          mayHandle &&
            (b.status === 'rendering'
              ? h(
                  'span',
                  { class: 'muted' },
                  `${count(b.pdfFiles.length)} of ${count(b.files)} files printed`,
                )
              : h(
                  'div',
                  { class: 'actions' },
                  [...b.pdfFiles.map((f) => f.name), 'manifest.csv', 'SHA256SUMS'].map((n) =>
                    fileButton(b, n),
                  ),
                )),
        ),
      ),
    });

  const load = async () => {
    try {
      batches = (await api(`/api/incidents/${incidentId}/letters`)).items;
      replace(list, batches.length ? batchesTable() : h('p', { class: 'muted' }, 'No letters printed yet.'));
      if (mayHandle) refreshBatchChoice();
    } catch (err) {
      replace(list, notice('error', `Could not load the letter batches: ${err.message}`));
    }
  };

  // --- Posted: a whole batch on a date, or the mail house's file ---------------------------------
  const batchChoice = field({
    name: 'batchId',
    prefix: 'posted',
    label: 'Batch',
    type: 'select',
    options: [],
  });
  const refreshBatchChoice = () => {
    const select = batchChoice.querySelector('select');
    replace(
      select,
      h('option', { value: '' }, 'The batches in the file below'),
      ...batches
        .filter((b) => b.status === 'ready')
        .map((b) =>
          h('option', { value: b.id }, `${b.createdAt.slice(0, 10)} · ${count(b.letters)} letters`),
        ),
    );
  };
  const postedForm = h(
    'form',
    { id: 'letters-posted-form', class: 'form' },
    h('h3', {}, 'Record letters posted'),
    batchChoice,
    field({
      name: 'postedOn',
      prefix: 'posted',
      label: 'Posted on',
      type: 'date',
      value: today(),
      attrs: { value: today() },
    }),
    field({
      name: 'csv',
      prefix: 'posted',
      label: 'Or the mail house’s confirmation (CSV)',
      hint: 'Columns reference,posted_on (YYYY-MM-DD). Used when no batch is chosen.',
      type: 'file',
      attrs: { accept: '.csv,text/csv' },
    }),
    h('button', { type: 'submit', class: 'button' }, 'Record posted'),
  );
  onSubmit(postedForm, {
    names: ['batchId', 'postedOn', 'csv'],
    prefix: 'posted',
    status,
    pending: 'Recording…',
    send: async () => {
      const batchId = postedForm.elements.batchId.value;
      const file = postedForm.elements.csv.files[0];
      const body = batchId
        ? { batchId, postedOn: postedForm.elements.postedOn.value }
        : { csv: file ? await file.text() : '' };
      const answer = await api(`/api/incidents/${incidentId}/letters/posted`, { method: 'POST', body });
      replace(
        status,
        notice(
          'success',
          `${count(answer.posted)} letters recorded posted (${count(answer.notified)} people notified` +
            `${answer.alreadyPosted ? `, ${count(answer.alreadyPosted)} already recorded` : ''}).`,
        ),
      );
      await load();
    },
    failed: () => 'Could not record the posting.',
  });

  // --- Returned mail -------------------------------------------------------------------------------
  const returnedForm = h(
    'form',
    { id: 'letters-returned-form', class: 'form' },
    h('h3', {}, 'Import returned mail'),
    field({
      name: 'csv',
      prefix: 'returned',
      label: 'Returned letters (CSV)',
      hint: 'Columns reference,reason. Each person becomes undeliverable by post and falls to substitute notice.',
      type: 'file',
      attrs: { accept: '.csv,text/csv', required: true },
    }),
    h('button', { type: 'submit', class: 'button' }, 'Import returned mail'),
  );
  onSubmit(returnedForm, {
    names: ['csv'],
    prefix: 'returned',
    status,
    pending: 'Importing…',
    send: async () => {
      const file = returnedForm.elements.csv.files[0];
      const answer = await api(`/api/incidents/${incidentId}/letters/returned`, {
        method: 'POST',
        body: { csv: file ? await file.text() : '' },
      });
      replace(
        status,
        notice(
          'success',
          `${count(answer.returned)} returned letters recorded` +
            `${answer.alreadyReturned ? ` (${count(answer.alreadyReturned)} already recorded)` : ''}.`,
        ),
      );
      returnedForm.reset();
      await load();
    },
    failed: () => 'Could not import the returned mail.',
  });

  const element = h(
    'section',
    { class: 'card', id: 'letters', 'aria-labelledby': 'letters-title' },
    h('h2', { id: 'letters-title' }, 'Letters'),
    h(
      'p',
      { class: 'muted' },
      'Printed notices for people a letter must reach, in batches for the mail house: PDFs of up to ' +
        '1,000 letters, a manifest and SHA-256 checksums.',
    ),
    list,
    h('button', { type: 'button', class: 'button button--small', onclick: () => void load() }, 'Refresh'),
    status,
    mayHandle ? [postedForm, returnedForm] : null,
  );
  return { element, reload: load };
}
