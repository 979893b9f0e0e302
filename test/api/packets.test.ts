import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app';
import { loadConfig } from '../../core/config';
import type { Config } from '../../core/config';
import * as auditDb from '../../core/db/audit';
import * as notices from '../../core/db/notices';
import { TemplateCache } from '../../core/mail/template-cache';
import { assess } from '../../core/use-cases/obligations';
import { approvedPacket, draftMissingPackets, renderPacketMail } from '../../core/use-cases/packets';
import { startApiOnly } from '../helpers/app';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import {
  approvedNotice,
  customerWith,
  identifyAffected,
  importInventory,
  newIncident,
  newUser,
  recordSent,
} from '../helpers/factories';
import type { StaffMember } from '../helpers/factories';
import { bearer } from '../helpers/system';

interface Element {
  key: string;
  label: string;
  citation: string;
  value: string;
  required: boolean;
}
interface Item {
  id: string;
  ruleId: string;
  jurisdiction: string;
  sequence: number;
  state: string;
  status: string;
  version: number;
  contentHash: string;
  missing: string[];
  obligationId: string | null;
  subject: string;
  content: {
    packet: { language: string; elements: Element[]; submission: { channel: string; email: string | null } };
  };
}

/**
 * Filing packets end to end on PostgreSQL and the API: an incident with residents of Germany, the UK
 * and Maryland gets a packet per authority (German for the German authority, Maryland's AG before
 * the customers); approval is four-eyes and bound to the content hash, refused while a required
 * element is empty; exports are a PDF a person can read and JSON a person can copy; a supplement
 * follows an approved filing.
 */
describe('filing packets (API)', () => {
  let db: TestDatabase;
  let app: App;
  let close: () => Promise<void>;
  let config: Readonly<Config>;
  let templates: TemplateCache;
  let opener: StaffMember;
  let reviser: StaffMember;
  let approver: StaffMember;
  let officer: StaffMember;
  let incidentId: string;
  const ENV = { FILING_EMAILS: JSON.stringify({ 'US-MD.regulator': 'breach@ag.example.org' }) };

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app, close } = await startApiOnly(db, ENV));
    config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...ENV });
    templates = new TemplateCache(db.pool);
    // The incident is opened by a compliance user, who may then not decide on its packets.
    opener = await newUser(db.pool, { role: 'compliance', email: 'pk-opener@staff.example.com' });
    reviser = await newUser(db.pool, { role: 'compliance', email: 'pk-reviser@staff.example.com' });
    approver = await newUser(db.pool, { role: 'compliance', email: 'pk-approver@staff.example.com' });
    officer = await newUser(db.pool, { role: 'officer', email: 'pk-officer@staff.example.com' });
    const people = [
      { externalId: 'PK-DE-1', fullName: 'Jürgen Müller', country: 'DE' },
      { externalId: 'PK-DE-2', fullName: 'Anna Schmidt', country: 'DE' },
      { externalId: 'PK-GB-1', fullName: 'Ian Wright', country: 'GB' },
      { externalId: 'PK-MD-1', fullName: 'Mary Land', country: 'US', region: 'US-MD' },
    ];
    await importInventory(db.pool, {
      customers: people.map((p) =>
        customerWith('email_with_consent', {
          externalId: p.externalId,
          fullName: p.fullName,
          country: p.country,
          ...(p.region ? { region: p.region } : {}),
        }),
      ),
      holdings: people.map((p) => ({
        customerExternalId: p.externalId,
        system: 'crm-pk',
        categories: ['ssn', 'email', 'name'],
      })),
    });
    ({
      incident: { id: incidentId },
    } = await newIncident(db.pool, {
      openedBy: opener.user,
      systems: ['crm-pk'],
      dataCategories: ['ssn', 'email', 'name'],
      title: 'CRM export copied',
      description: 'An attacker used a stolen API key to export customer records from the CRM.',
    }));
    await identifyAffected(db.pool, incidentId);
    await assess({ pool: db.pool, config }, incidentId);
  });
  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  const list = async (): Promise<Item[]> => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/packets`,
      headers: bearer(officer.token),
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items;
  };
  const byRule = async (ruleId: string, sequence = 1) => {
    const item = (await list()).find((i) => i.ruleId === ruleId && i.sequence === sequence);
    expect(item, ruleId).toBeDefined();
    return item!;
  };
  const decide = (who: StaffMember, packet: { id: string; contentHash: string }, decision = 'approve') =>
    app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/packets/${packet.id}/decision`,
      headers: bearer(who.token),
      payload: {
        decision,
        contentHash: packet.contentHash,
        ...(decision === 'reject' ? { comment: 'no' } : {}),
      },
    });
  const revise = (who: StaffMember, packetId: string, payload: object) =>
    app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/packets/${packetId}/revision`,
      headers: bearer(who.token),
      payload,
    });

  it('drafts a packet for each authority once: retried, nothing twice', async () => {
    const deps = { pool: db.pool, templates, config };
    const first = await draftMissingPackets(deps, incidentId);
    expect(first.drafted).toBeGreaterThanOrEqual(3);
    expect(await draftMissingPackets(deps, incidentId)).toEqual({ drafted: 0 });
    const items = await list();
    expect(items.map((i) => i.ruleId)).toEqual(
      expect.arrayContaining(['DE.regulator', 'GB.regulator', 'US-MD.regulator']),
    );
    expect(new Set(items.map((i) => i.subject)).size).toBe(items.length);
    expect(items.every((i) => i.sequence === 1 && i.version === 1)).toBe(true);
    const drafted = (await auditDb.listForIncident(db.pool, incidentId)).filter(
      (e) => e.action === 'filing_packet_drafted',
    );
    expect(drafted).toHaveLength(items.length);
  });

  it("writes to the German authority in German and quotes the statute's count", async () => {
    const de = await byRule('DE.regulator');
    expect(de.content.packet.language).toBe('de');
    const nature = de.content.packet.elements.find((e) => e.key === 'nature')!;
    expect(nature).toMatchObject({
      label: 'Art der Verletzung',
      citation: 'GDPR Art. 33(3)(a)',
      required: true,
    });
    expect(nature.value).toContain('stolen API key');
    expect(de.content.packet.elements.find((e) => e.key === 'people_count')!.value).toBe('2');
    // The records are Germany's too, not the incident's four.
    expect(de.content.packet.elements.find((e) => e.key === 'record_count')!.value).toBe('2');
    const res = await app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/packets/${de.id}`,
      headers: bearer(officer.token),
    });
    expect(res.statusCode, res.body).toBe(200);
    const { rendered } = res.json();
    expect(rendered.subject).toContain('Meldung einer Verletzung');
    expect(rendered.text).toContain('Art der Verletzung');
    // No person's data in a packet.
    expect(rendered.text).not.toContain('Müller');
  });

  it('holds approval back while a required element is empty, naming it', async () => {
    const md = await byRule('US-MD.regulator');
    expect(md.state).toBe('draft');
    expect(md.missing).toContain('notice_copy');
    expect(md.content.packet.submission).toMatchObject({ channel: 'email', email: 'breach@ag.example.org' });
    const res = await decide(approver, md);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().message).toContain('notice_copy');
  });

  it('refuses the opener, the reviser and a stale hash; a second compliance user approves', async () => {
    const de = await byRule('DE.regulator');
    expect(de.state).toBe('awaiting_approval');
    // The opener of the incident.
    const byOpener = await decide(opener, de);
    expect(byOpener.statusCode, byOpener.body).toBe(403);
    // An officer may revise but never decide.
    expect((await decide(officer, de)).statusCode).toBe(403);
    // The reviser writes a new version, which they may not approve.
    const revised = await revise(reviser, de.id, {
      elements: { measures: 'Wir haben den API-Schlüssel gesperrt und alle Schlüssel erneuert.' },
      phased: true,
    });
    expect(revised.statusCode, revised.body).toBe(201);
    const v2 = revised.json();
    expect(v2.version).toBe(2);
    expect(v2.content.packet.phased).toBe(true);
    const byReviser = await decide(reviser, v2);
    expect(byReviser.statusCode, byReviser.body).toBe(403);
    expect(byReviser.json().message).toContain('revised');
    // The first version's hash names text that is no longer waiting.
    const stale = await decide(approver, { id: v2.id, contentHash: de.contentHash });
    expect(stale.statusCode, stale.body).toBe(409);
    const ok = await decide(approver, v2);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ outcome: 'approved' });
    const after = await byRule('DE.regulator');
    expect(after).toMatchObject({ id: v2.id, state: 'approved', status: 'approved' });

    // What H2b sends: the approved packet and its mail, in German, with the phasing said.
    const approved = await approvedPacket(db.pool, {
      incidentId,
      ruleId: 'DE.regulator',
      jurisdiction: 'DE',
      sequence: 1,
    });
    expect(approved?.id).toBe(v2.id);
    const mail = await renderPacketMail({ templates }, approved!);
    expect(mail.text).toContain('API-Schlüssel gesperrt');
    expect(mail.text).toContain('GDPR Art. 33(4)');
    expect(mail.html).toContain('<h2>Art der Verletzung</h2>');
    // No delay to explain: the optional element is left out of what is sent.
    expect(mail.text).not.toContain('Gründe für die Verzögerung');
  });

  it('refuses unknown elements naming the field, and a packet through the substitute-text route', async () => {
    const gb = await byRule('GB.regulator');
    const res = await revise(reviser, gb.id, { elements: { colour: 'blue' } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().field).toBe('elements.colour');
    const sideDoor = await app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/substitute-notices/texts/${gb.id}/decision`,
      headers: bearer(approver.token),
      payload: { decision: 'approve', contentHash: gb.contentHash },
    });
    expect(sideDoor.statusCode, sideDoor.body).toBe(404);
    expect((await notices.get(db.pool, gb.id))?.status).toBe('pending_approval');
  });

  it("quotes the customers' notice once it is approved, and then may be approved", async () => {
    const notice = await approvedNotice({ pool: db.pool, templates, config }, incidentId, approver.user);
    // Everyone is emailed (the factory stands for the delivery): the packet says when and how.
    await recordSent({ pool: db.pool, config }, { incidentId, noticeId: notice.id, count: 4 });
    const md = await byRule('US-MD.regulator');
    const refreshed = await revise(officer, md.id, { refresh: true });
    expect(refreshed.statusCode, refreshed.body).toBe(201);
    const v2 = refreshed.json();
    const copy = v2.content.packet.elements.find((e: Element) => e.key === 'notice_copy');
    // The notice as Maryland's residents read it, for nobody in particular.
    expect(copy.value).toContain('[REFERENCE]');
    expect(copy.value).toContain('[Name]');
    expect(copy.value).toContain('An attacker used a stolen API key');
    expect(copy.value).not.toContain('Mary Land');
    expect(copy.citation).toBe('Md. Code, Com. Law § 14-3504(h)(2)(iv)');
    const valueOf = (key: string) => v2.content.packet.elements.find((e: Element) => e.key === key).value;
    expect(valueOf('individual_notice')).toMatch(/^Notified from /);
    // Maryland's one resident, by email: the distribution is the state's, not the incident's.
    expect(valueOf('distribution')).toBe('1 by email');
    const ok = await decide(approver, v2);
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('exports a PDF a person can read and JSON to copy into a portal', async () => {
    const de = await byRule('DE.regulator');
    const json = await app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/packets/${de.id}/export.json`,
      headers: bearer(officer.token),
    });
    expect(json.statusCode, json.body).toBe(200);
    expect(json.headers['content-disposition']).toContain('.json');
    const body = json.json();
    expect(body).toMatchObject({ packetId: de.id, approved: true, contentHash: de.contentHash });
    expect(body.packet.elements.map((e: Element) => e.key)).toEqual(
      expect.arrayContaining(['nature', 'people_count', 'dpo_contact', 'likely_consequences', 'measures']),
    );

    const pdf = await app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/packets/${de.id}/export.pdf`,
      headers: bearer(officer.token),
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const dir = mkdtempSync(join(tmpdir(), 'packet-pdf-'));
    writeFileSync(join(dir, 'p.pdf'), pdf.rawPayload);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'p.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('Art der Verletzung');
    expect(text).toContain('GDPR Art. 33(3)(b)');
    expect(text).toContain('API-Schlüssel gesperrt');
    expect(text).toContain(de.contentHash.slice(0, 32));
    expect(text).not.toContain('NOT APPROVED');

    // A draft says so on its face.
    const gb = await byRule('GB.regulator');
    const draft = await app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/packets/${gb.id}/export.pdf`,
      headers: bearer(officer.token),
    });
    writeFileSync(join(dir, 'd.pdf'), draft.rawPayload);
    expect(execFileSync('pdftotext', [join(dir, 'd.pdf'), '-'], { encoding: 'utf8' })).toContain(
      'NOT APPROVED',
    );
  });

  it('drafts a supplement after an approved filing only, with its reason', async () => {
    const gb = await byRule('GB.regulator');
    const early = await app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/obligations/${gb.obligationId}/supplements`,
      headers: bearer(reviser.token),
      payload: { reason: 'More detail' },
    });
    expect(early.statusCode, early.body).toBe(409);

    const de = await byRule('DE.regulator');
    const res = await app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/obligations/${de.obligationId}/supplements`,
      headers: bearer(reviser.token),
      payload: {
        reason: 'Die forensische Untersuchung ist abgeschlossen.',
        elements: { record_count: '4' },
        phased: false,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const supplement = res.json();
    expect(supplement.subject).toBe('DE.regulator@DE#2');
    // The filing said more would follow; this supplement is the last word.
    expect(supplement.content.packet).toMatchObject({ kind: 'supplement', sequence: 2, phased: false });
    expect(supplement.content.packet.elements[0]).toMatchObject({
      key: 'supplement_reason',
      value: 'Die forensische Untersuchung ist abgeschlossen.',
      citation: 'GDPR Art. 33(4)',
    });
    // What a person wrote in the filing carries over; what the data gives is counted again.
    const measures = supplement.content.packet.elements.find((e: Element) => e.key === 'measures');
    expect(measures.value).toContain('API-Schlüssel gesperrt');
    expect(supplement.content.packet.elements.find((e: Element) => e.key === 'record_count').value).toBe('4');
    // Its drafter may not approve it; someone else may.
    expect((await decide(reviser, supplement)).statusCode).toBe(403);
    expect((await decide(approver, supplement)).statusCode).toBe(200);
    const items = await list();
    expect(items.find((i) => i.subject === 'DE.regulator@DE#2')?.state).toBe('approved');
    expect(items.find((i) => i.subject === 'DE.regulator@DE#1')?.state).toBe('approved');
  });
});
