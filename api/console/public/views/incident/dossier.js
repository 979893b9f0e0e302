// The incident page's evidence dossier (compliance and admin): one button exports it through the
// API (POST /api/incidents/:id/dossier, audited) and saves the PDF, the JSON and the manifest the
// answer carries, each exactly as hashed in the manifest.
import { api } from '../../api.js';
import { h, notice, replace } from '../../dom.js';
import { onSubmit } from '../../form.js';

/** Saves one file of the answer under its name, from memory, through a temporary link. */
function save(file) {
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mediaType }));
  const link = h('a', { href: url, download: file.name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the object URL; give it a moment before letting it go.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function dossierSection(incidentId) {
  const status = h('div', { id: 'dossier-status' });
  const form = h(
    'form',
    { id: 'dossier-form', class: 'actions' },
    h('button', { type: 'submit', class: 'button' }, 'Export dossier'),
  );
  onSubmit(form, {
    names: [],
    prefix: 'dossier',
    status,
    pending: 'Exporting the dossier… (large incidents take a while)',
    send: async () => {
      const answer = await api(`/api/incidents/${incidentId}/dossier`, { method: 'POST' });
      for (const file of answer.files) save(file);
      replace(
        status,
        notice(
          'success',
          `Saved ${answer.files.map((f) => f.name).join(', ')}. Manifest SHA-256 (in the audit trail): `,
          h('code', { class: 'hash' }, answer.manifestSha256),
        ),
      );
    },
    failed: (_marked, err) => `Could not export the dossier: ${err.message}`,
  });
  return h(
    'div',
    {},
    h(
      'p',
      { class: 'muted' },
      'For a regulator: the facts and their versions, obligations, notice versions and approvals, ' +
        'filing packets, determinations, the delivery log per recipient and the verified audit chain, ' +
        'as a PDF and JSON, with each filing’s proof (the receipt as uploaded, the email as sent) and ' +
        'a manifest of SHA-256 hashes. Each export is recorded in the audit trail.',
    ),
    form,
    status,
  );
}
