import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app';
import { DossierDownload } from '../../api/schemas/dossier';
import { loadConfig } from '../../core/config';
import * as audit from '../../core/db/audit';
import { Dossier } from '../../core/dossier/schema';
import { TemplateCache } from '../../core/mail/template-cache';
import { startApiOnly } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { importEmailHolders, newDeliveredIncident, newUser, type StaffMember } from '../helpers/factories';
import { bearer } from '../helpers/system';

/**
 * POST /api/incidents/:id/dossier: one request is one audited export, answered with the manifest
 * and the three files; each file's SHA-256 is the manifest's, and the manifest's is the audit entry's.
 */
describe('POST /api/incidents/:id/dossier', () => {
  let db: TestDatabase;
  let app: App;
  let api: Awaited<ReturnType<typeof startApiOnly>>;
  let incidentId: string;
  let compliance: StaffMember;
  let officerToken: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startApiOnly(db);
    app = api.app;
    const config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-dossier-api-')),
      DATABASE_URL: db.url,
      LOG_LEVEL: 'silent',
    });
    await importEmailHolders(db.pool, [{ externalId: 'A1' }, { externalId: 'A2' }, { externalId: 'A3' }]);
    compliance = await newUser(db.pool, { role: 'compliance', email: 'c@dossier.example.com' });
    officerToken = (await newUser(db.pool, { role: 'officer', email: 'o@dossier.example.com' })).token;
    const delivered = await newDeliveredIncident(
      { pool: db.pool, templates: new TemplateCache(db.pool), config },
      { incident: { title: 'Dossier over the API' }, approver: compliance.user, sent: 3 },
    );
    incidentId = delivered.incident.id;
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  const exportAs = (token: string, id = incidentId) =>
    app.inject({ method: 'POST', url: `/api/incidents/${id}/dossier`, headers: bearer(token) });

  it('answers with the three files, whose hashes the manifest and the audit entry carry', async () => {
    const res = await exportAs(compliance.token);
    expect(res.statusCode).toBe(200);
    const body = DossierDownload.parse(res.json());
    const files = new Map(body.files.map((f) => [f.name, Buffer.from(f.base64, 'base64')]));
    expect([...files.keys()]).toEqual(['dossier.pdf', 'dossier.json', 'manifest.json']);
    const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    for (const f of body.manifest.files) expect(sha256(files.get(f.name)!)).toBe(f.sha256);
    expect(sha256(files.get('manifest.json')!)).toBe(body.manifestSha256);
    expect(files.get('dossier.pdf')!.subarray(0, 5).toString()).toBe('%PDF-');
    const dossier = Dossier.parse(JSON.parse(files.get('dossier.json')!.toString('utf8')));
    expect(dossier.deliveries).toHaveLength(3);
    expect(dossier.generatedBy.id).toBe(compliance.user.id);

    const entry = (await audit.listForIncident(db.pool, incidentId)).find(
      (e) => e.action === 'dossier_exported',
    );
    expect(entry).toMatchObject({
      actor: compliance.user.id,
      detail: { manifestSha256: body.manifestSha256 },
    });
  });

  it('refuses an officer (403) and answers 404 for an unknown incident', async () => {
    expect((await exportAs(officerToken)).statusCode).toBe(403);
    expect((await exportAs(compliance.token, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });
});
