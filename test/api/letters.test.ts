import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app';
import { loadConfig } from '../../core/config';
import * as audit from '../../core/db/audit';
import * as letters from '../../core/db/letters';
import { renderLetterFile } from '../../core/letters/batch';
import { TemplateCache } from '../../core/mail/template-cache';
import { finishLetterBatch, openLetterBatch } from '../../core/use-cases/letters';
import { startApiOnly } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { newUser } from '../helpers/factories';
import { newLetterIncident } from '../helpers/letters';
import { bearer } from '../helpers/system';

/**
 * The letters routes on a real database: the batch list, downloads (officers and compliance only,
 * each audited), the mail house's "posted" confirmation (a whole batch, or its CSV by reference)
 * making people notified, and returned mail making them undeliverable with no channel left; bad
 * files are 400s naming the field and the line.
 */
describe('/api/incidents/:id/letters', () => {
  let db: TestDatabase;
  let app: App;
  let api: Awaited<ReturnType<typeof startApiOnly>>;
  let incidentId: string;
  let batchId: string;
  let references: string[];
  const tokens: Record<'officer' | 'compliance' | 'support' | 'admin', string> = {
    officer: '',
    compliance: '',
    support: '',
    admin: '',
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const lettersDir = mkdtempSync(join(tmpdir(), 'forthright-letters-api-'));
    api = await startApiOnly(db, { LETTERS_DIR: lettersDir });
    app = api.app;
    const config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-letters-api-data-')),
      DATABASE_URL: db.url,
      LETTERS_DIR: lettersDir,
      LOG_LEVEL: 'silent',
    });
    const deps = { pool: db.pool, templates: new TemplateCache(db.pool), config };
    ({ incidentId } = await newLetterIncident(deps, [
      { externalId: 'P1', fullName: 'Posted One' },
      { externalId: 'P2', fullName: 'Posted Two' },
      { externalId: 'P3', fullName: 'Returned Three' },
    ]));
    const opened = await openLetterBatch(deps, { incidentId, key: 'api-test' });
    batchId = opened!.batchId;
    await renderLetterFile(deps, { batchId, fileNo: 1 });
    await finishLetterBatch(deps, batchId);
    const { rows } = await db.pool.query<{ reference_code: string }>(
      `SELECT reference_code FROM affected_customers WHERE incident_id = $1 ORDER BY customer_id`,
      [incidentId],
    );
    references = rows.map((r) => r.reference_code);
    for (const role of ['officer', 'compliance', 'support', 'admin'] as const) {
      tokens[role] = (await newUser(db.pool, { role, email: `${role}@letters-api.example.com` })).token;
    }
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  const post = (path: string, body: unknown, role: keyof typeof tokens = 'officer') =>
    app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/letters/${path}`,
      headers: bearer(tokens[role]),
      payload: body as object,
    });
  const person = async (reference: string) =>
    (
      await db.pool.query<{ status: string; channel: string; channel_reason: string }>(
        `SELECT status, channel, channel_reason FROM affected_customers WHERE incident_id = $1 AND reference_code = $2`,
        [incidentId, reference],
      )
    ).rows[0]!;

  it('lists the batch with its letters by status and its files', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/letters`,
      headers: bearer(tokens.admin),
    });
    expect(res.statusCode).toBe(200);
    const [batch] = res.json().items;
    expect(batch).toMatchObject({ id: batchId, status: 'ready', letters: 3, counts: { rendered: 3 } });
    expect(batch.pdfFiles.map((f: { name: string }) => f.name)).toEqual(['letters-0001.pdf']);
  });

  it('answers 404 for an incident that does not exist, as every incident route does', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/incidents/00000000-0000-4000-8000-000000000000/letters',
      headers: bearer(tokens.admin),
    });
    expect(res.statusCode).toBe(404);
  });

  it('hands the files to officers and compliance only, and audits each download', async () => {
    const url = (name: string) => `/api/incidents/${incidentId}/letters/${batchId}/files/${name}`;
    const pdf = await app.inject({
      method: 'GET',
      url: url('letters-0001.pdf'),
      headers: bearer(tokens.compliance),
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const manifest = await app.inject({
      method: 'GET',
      url: url('manifest.csv'),
      headers: bearer(tokens.officer),
    });
    expect(manifest.statusCode).toBe(200);
    expect(manifest.body).toContain(references[0]);
    for (const role of ['support', 'admin'] as const) {
      expect(
        (await app.inject({ method: 'GET', url: url('manifest.csv'), headers: bearer(tokens[role]) }))
          .statusCode,
      ).toBe(403);
    }
    const bad = await app.inject({ method: 'GET', url: url('..%2Fsecret'), headers: bearer(tokens.officer) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('name');
    const absent = await app.inject({
      method: 'GET',
      url: url('letters-0009.pdf'),
      headers: bearer(tokens.officer),
    });
    expect(absent.statusCode).toBe(404);
    const downloads = (await audit.listForIncident(db.pool, incidentId)).filter(
      (e) => e.action === 'letters_downloaded',
    );
    expect(downloads.map((e) => e.detail.file)).toEqual(['letters-0001.pdf', 'manifest.csv']);
  });

  it('refuses a bad confirmation with a 400 naming the field (and the line), recording nothing', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{}, 'csv', /mail house file/],
      [{ csv: 'reference,posted_on\n' }, 'csv', /no rows/],
      [{ csv: `ref,date\n${references[0]},2026-12-01\n` }, 'csv', /no column "reference"/],
      [{ csv: `reference,posted_on\n${references[0]},yesterday\n` }, 'csv', /line 2: posted_on/],
      [
        { csv: `reference,posted_on\n${references[0]},2026-12-01\nFR-0000-0000,2026-12-01\n` },
        'csv',
        /line 3: no letter/,
      ],
      [{ batchId, postedOn: '2099-01-01' }, 'postedOn', /future/],
      [{ batchId }, 'postedOn', /required/],
      [{ batchId, postedOn: '2026-12-01', csv: 'reference,posted_on\nX,2026-12-01' }, 'batchId', /either/],
    ];
    for (const [body, field, message] of cases) {
      const res = await post('posted', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().field, JSON.stringify(body)).toBe(field);
      expect(res.json().message).toMatch(message);
    }
    expect((await person(references[0]!)).status).toBe('pending');
    expect((await post('returned', { csv: 'reference\nX' })).json().field).toBe('csv');
  });

  it('refuses support and admins the mail house answers (403)', async () => {
    const csv = `reference,posted_on\n${references[0]},2026-12-01\n`;
    expect((await post('posted', { csv }, 'support')).statusCode).toBe(403);
    expect((await post('posted', { csv }, 'admin')).statusCode).toBe(403);
    expect(
      (await post('returned', { csv: `reference,reason\n${references[0]},gone` }, 'admin')).statusCode,
    ).toBe(403);
  });

  it('records letters posted from the mail house file: those people are notified, a repeat changes nothing', async () => {
    const csv = `reference,posted_on\r\n${references[0]!.toLowerCase()},2026-12-01\r\n`;
    const res = await post('posted', { csv });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ posted: 1, alreadyPosted: 0, notified: 1 });
    expect((await person(references[0]!)).status).toBe('notified');
    expect((await post('posted', { csv })).json()).toEqual({ posted: 0, alreadyPosted: 1, notified: 0 });
  });

  it('imports returned mail: the person is undeliverable by post, with no channel left', async () => {
    const res = await post(
      'returned',
      { csv: `reference,reason\n${references[2]},addressee unknown\n` },
      'compliance',
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ returned: 1, alreadyReturned: 0 });
    expect(await person(references[2]!)).toEqual({
      status: 'undeliverable',
      channel: 'none',
      channel_reason: 'letter_returned',
    });
    const { rows } = await db.pool.query(
      `SELECT l.status, l.return_reason FROM letters l JOIN affected_customers a USING (incident_id, customer_id)
       WHERE a.reference_code = $1`,
      [references[2]],
    );
    expect(rows).toEqual([{ status: 'returned', return_reason: 'addressee unknown' }]);
  });

  it('posts the rest of a batch on a date, which makes the batch posted', async () => {
    const res = await post('posted', { batchId, postedOn: '2026-12-02' });
    expect(res.json()).toEqual({ posted: 1, alreadyPosted: 0, notified: 1 });
    expect((await person(references[1]!)).status).toBe('notified');
    expect((await letters.getBatch(db.pool, batchId))!.status).toBe('posted');
    // Each person's letter as the affected list shows it.
    const list = await app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/affected?limit=10`,
      headers: bearer(tokens.officer),
    });
    expect(list.statusCode).toBe(200);
    expect(
      list
        .json()
        .items.map((r: { letterStatus: string; postedOn: string | null }) => [r.letterStatus, r.postedOn]),
    ).toEqual([
      ['posted', '2026-12-01'],
      ['posted', '2026-12-02'],
      ['returned', null],
    ]);
    const actions = (await audit.listForIncident(db.pool, incidentId)).map((e) => e.action);
    expect(actions.filter((a) => a === 'letters_posted')).toHaveLength(3);
    expect(actions).toContain('returned_mail_imported');
  });
});
