import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { customerWith } from '../helpers/factories';
import { startSmtpSink } from '../helpers/smtp';
import type { SmtpSink } from '../helpers/smtp';
import {
  bearer,
  eventually,
  importInventory,
  incidentStatus,
  openAndApprove,
  startSystem,
} from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * Issue 14's acceptance on the whole stack (API, worker on the Temporal dev server, PostgreSQL, an
 * SMTP server, poppler): a mixed inventory is split by the law's channels — email where it counts,
 * a letter where it does not, both where the person has an email but the rule wants post, nobody
 * left silently — the letters are printed with a manifest that matches them, and the individuals'
 * obligations are met only once everyone counted is reached.
 */

const since = '2025-01-01T00:00:00Z';

/** Who is affected, and how the law lets each be told. */
const PEOPLE = {
  // California (E-SIGN): consented to electronic notices, so email counts.
  eva: customerWith('email_with_consent', {
    externalId: 'EVA',
    email: 'eva@example.com',
    fullName: 'Eva Email',
    region: 'US-CA',
    country: 'US',
  }),
  // New York needs express consent: none on file, so the letter is the notice (the email goes too).
  noah: customerWith('email_without_consent', {
    externalId: 'NOAH',
    email: 'noah@example.com',
    fullName: 'Noah Nyc',
    region: 'US-NY',
    country: 'US',
  }),
  // No email, an address: a letter.
  paula: customerWith('address_only', {
    externalId: 'PAULA',
    fullName: 'Paula Post',
    region: 'US-TX',
    country: 'US',
  }),
  // Nothing usable: substitute notice.
  nemo: customerWith('none', {
    externalId: 'NEMO',
    fullName: 'Nemo Nowhere',
    region: 'US-TX',
    country: 'US',
  }),
  // A patient of a HIPAA covered entity who never agreed to email: first-class mail (164.404(d)(1)).
  pat: customerWith('email_without_consent', {
    externalId: 'PAT',
    email: 'pat@example.com',
    fullName: 'Pat Patient',
    region: 'US-FL',
    country: 'US',
  }),
  // GDPR Art. 34 asks for no particular means: email counts without a consent on file.
  hans: customerWith('email_without_consent', {
    externalId: 'HANS',
    email: 'hans@example.de',
    fullName: 'Hans Müller',
    country: 'DE',
    region: null,
    locale: 'de',
  }),
} as const;

const holdings = [
  ...Object.values(PEOPLE).map((p) => ({
    customerExternalId: p.externalId,
    system: 'crm',
    categories: ['name', 'email', 'payment_card'],
    from: since,
    maskedIdentifiers: { payment_card: '4242' },
  })),
  { customerExternalId: 'PAT', system: 'clinic', categories: ['medical'], from: since },
];

describe('every person reached by a lawful method', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let system: TestSystem;
  let incidentId: string;
  let lettersDir: string;

  const get = async (url: string, token = system.tokens.officer) => {
    const response = await system.app.inject({ method: 'GET', url, headers: bearer(token) });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const emailed = () =>
    smtp.messages
      .filter((m) => m.messageId.includes(incidentId))
      .flatMap((m) => m.envelopeTo)
      .sort();
  const individualStatus = async (jurisdiction: string) =>
    (await individuals()).find((o) => o.jurisdiction === jurisdiction)!.status;
  const individuals = async () =>
    ((await get(`/api/incidents/${incidentId}/obligations`)).items as Obligation[]).filter(
      (o) => o.audience === 'individuals',
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    lettersDir = mkdtempSync(join(tmpdir(), 'forthright-letters-'));
    system = await startSystem(db, smtp.url, { COMPANY_REGIMES: 'hipaa', LETTERS_DIR: lettersDir });
    await importInventory(system, Object.values(PEOPLE), holdings);
    incidentId = await openAndApprove(system, {
      title: 'Card export exposed',
      description: 'An export of the customer database was left on a public file share.',
      discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
      occurredFrom: '2026-01-01T00:00:00Z',
      systems: ['crm', 'clinic'],
      dataCategories: ['name', 'email', 'payment_card', 'medical'],
    });
    await eventually(async () => (await incidentStatus(system, incidentId)) === 'completed', 120_000);
  });

  afterAll(async () => {
    await system?.stop();
    await smtp?.close();
    await db?.drop();
  });

  it('emails only those for whom email counts or who have an address for the letter too', () => {
    expect(emailed()).toEqual(
      [PEOPLE.eva, PEOPLE.noah, PEOPLE.pat, PEOPLE.hans].map((p) => p.email!.toLowerCase()).sort(),
    );
  });

  it('shows how many go each way and why', async () => {
    const delivery = await get(`/api/incidents/${incidentId}/delivery`);
    const channels = Object.fromEntries(
      (delivery.channels as { channel: string; reason: string; count: number }[]).map((c) => [
        `${c.channel}:${c.reason}`,
        c.count,
      ]),
    );
    expect(channels).toEqual({
      'email:email_consented': 1,
      'email:email_allowed': 1,
      'email_and_letter:no_consent': 2,
      'letter:no_email': 1,
      'none:no_contact': 1,
    });
  });

  it('prints a letter for each person the rules send one, with a manifest that matches the PDFs', async () => {
    const batches = (await get(`/api/incidents/${incidentId}/letters`)).items as LetterBatch[];
    const ready = batches.filter((b) => b.letters > 0);
    expect(ready).toHaveLength(1);
    const batch = ready[0]!;
    expect(batch.status).toBe('ready');
    const file = (name: string) =>
      system.app.inject({
        method: 'GET',
        url: `/api/incidents/${incidentId}/letters/${batch.id}/files/${name}`,
        headers: bearer(system.tokens.compliance),
      });
    const manifest = parse((await file('manifest.csv')).body, { columns: true }) as ManifestRow[];
    expect(manifest.map((r) => r.name).sort()).toEqual(['Noah Nyc', 'Pat Patient', 'Paula Post']);

    const affected = (await get(`/api/incidents/${incidentId}/affected?limit=100`)).items as {
      fullName: string;
      referenceCode: string;
    }[];
    const dir = mkdtempSync(join(tmpdir(), 'forthright-letters-check-'));
    for (const pdf of batch.pdfFiles) {
      const body = (await file(pdf.name)).rawPayload;
      const path = join(dir, pdf.name);
      writeFileSync(path, body);
      // The file is what the batch says it is: its hash, and as many pages as its letters list.
      expect(createHash('sha256').update(body).digest('hex')).toBe(pdf.sha256);
      const rows = manifest.filter((r) => r.file === pdf.name);
      expect(pagesOf(path)).toBe(rows.reduce((n, r) => n + Number(r.pages), 0));
      for (const row of rows) {
        const first = Number(row.first_page);
        // Each letter's first page renders, and shows the person's name and their reference.
        const png = join(dir, `first-page-${row.reference}`);
        execFileSync('pdftoppm', [
          '-f',
          `${first}`,
          '-l',
          `${first}`,
          '-r',
          '50',
          '-png',
          '-singlefile',
          path,
          png,
        ]);
        expect(statSync(`${png}.png`).size).toBeGreaterThan(1_000);
        const text = execFileSync('pdftotext', [
          '-f',
          `${first}`,
          '-l',
          `${first}`,
          '-layout',
          path,
          '-',
        ]).toString();
        const reference = affected.find((a) => a.fullName === row.name)!.referenceCode;
        expect(row.reference).toBe(reference);
        expect(text).toContain(row.name);
        expect(text).toContain(reference);
      }
    }
  });

  it('leaves an obligation open while anyone it counts is unreached, and meets it once the letters are posted', async () => {
    const byJurisdiction = async () =>
      Object.fromEntries((await individuals()).map((o) => [o.jurisdiction, o]));
    let open = await byJurisdiction();
    // Eva's email counts: California's obligation is met; New York's waits for Noah's letter.
    expect(open['US-CA']!.status).toBe('met');
    expect(open['US-NY']!.status).toBe('pending');
    expect(open['US-NY']!.reach).toMatchObject({ awaiting_letter: 1, total: 1 });
    // Texas: Paula's letter is on its way, Nemo has no channel at all.
    expect(open['US-TX']!.reach).toMatchObject({ awaiting_letter: 1, no_channel: 1, total: 2 });

    const batch = ((await get(`/api/incidents/${incidentId}/letters`)).items as LetterBatch[]).find(
      (b) => b.letters > 0,
    )!;
    const posted = await system.app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/letters/posted`,
      headers: bearer(system.tokens.compliance),
      payload: { batchId: batch.id, postedOn: new Date().toISOString().slice(0, 10) },
    });
    expect(posted.statusCode, posted.body).toBe(200);
    expect(posted.json()).toMatchObject({ posted: 3 });

    open = await byJurisdiction();
    expect(open['US-NY']!.status).toBe('met');
    // Still open: Nemo is reached by nothing yet (a substitute notice is the only way left).
    expect(open['US-TX']!.status).not.toBe('met');
    expect(open['US-TX']!.reach).toMatchObject({ notified: 1, no_channel: 1 });
  });

  it('covers the person with no channel once the substitute notice is carried out, and only then meets the obligation', async () => {
    const overview = () =>
      get(`/api/incidents/${incidentId}/substitute-notices`) as Promise<SubstituteOverview>;
    const texas = async () => (await overview()).items.find((i) => i.jurisdiction === 'US-TX')!;
    // Nemo has no contact details: Texas's substitute notice is due for insufficient contact information.
    expect((await texas()).reasons).toContain('insufficient_contact');
    expect((await texas()).status).toBe('open');

    // The website and media texts were drafted for approval; compliance approves what it reviewed.
    const { website, media } = await overview();
    for (const text of [website, media]) {
      if (!text || text.notice.status !== 'pending_approval') continue;
      const decided = await system.app.inject({
        method: 'POST',
        url: `/api/incidents/${incidentId}/substitute-notices/texts/${text.notice.id}/decision`,
        headers: bearer(system.tokens.compliance),
        payload: { decision: 'approve', contentHash: text.notice.contentHash },
      });
      expect(decided.statusCode, decided.body).toBe(200);
    }
    // The approved website text is public, without anyone's personal data.
    const { posting } = await overview();
    expect(posting?.live).toBe(true);
    const page = await system.app.inject({ method: 'GET', url: `/incident-notice/${posting!.publicId}` });
    expect(page.statusCode).toBe(200);
    for (const person of Object.values(PEOPLE)) expect(page.body).not.toContain(person.fullName);
    expect(await individualStatus('US-TX')).not.toBe('met');

    // What only people can see happen (the media notice, a phone line) is recorded by compliance.
    for (const element of (await texas()).elements) {
      if (
        element.recordedAt ||
        !['media', 'toll_free', 'alternative', 'regulator_letter'].includes(element.kind)
      )
        continue;
      const recorded = await system.app.inject({
        method: 'POST',
        url: `/api/incidents/${incidentId}/substitute-notices/${(await texas()).id}/elements`,
        headers: bearer(system.tokens.compliance),
        payload: {
          kind: element.kind,
          on: new Date().toISOString(),
          channel: 'Houston Chronicle; Dallas Morning News',
          evidence: 'Tear sheets filed as MEDIA-TX-1',
        },
      });
      expect(recorded.statusCode, recorded.body).toBe(200);
    }
    expect((await texas()).status).toBe('carried_out');
    expect(await individualStatus('US-TX')).toBe('met');
  });
});

interface Obligation {
  audience: string;
  jurisdiction: string;
  status: string;
  reach?: Record<string, number> | null;
}

interface SubstituteText {
  notice: { id: string; status: string; contentHash: string };
}

interface SubstituteOverview {
  items: {
    id: string;
    jurisdiction: string;
    reasons: string[];
    status: string;
    elements: { kind: string; recordedAt: string | null }[];
  }[];
  website: SubstituteText | null;
  media: SubstituteText | null;
  posting: { publicId: string; live: boolean } | null;
}

interface LetterBatch {
  id: string;
  status: string;
  letters: number;
  pdfFiles: { name: string; sha256: string; pages: number }[];
}

interface ManifestRow {
  reference: string;
  name: string;
  address: string;
  pages: string;
  first_page: string;
  file: string;
}

function pagesOf(path: string): number {
  const info = execFileSync('pdfinfo', [path]).toString();
  return Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
}
