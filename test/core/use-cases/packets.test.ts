import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as obligations from '../../../core/db/obligations';
import { TemplateCache } from '../../../core/mail/template-cache';
import { decideDetermination, proposeDetermination } from '../../../core/use-cases/determinations';
import { assess } from '../../../core/use-cases/obligations';
import { draftMissingPackets, listPackets, revisePacket } from '../../../core/use-cases/packets';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import { actorOf, identifyAffected, importInventory, newIncident, newUser } from '../../helpers/factories';
import type { StaffMember } from '../../helpers/factories';

/**
 * Packets and determinations on PostgreSQL: a lead supervisory authority leaves one EU packet, which
 * then counts every EU/EEA person, and sets the others aside; an Alaska no-harm determination
 * brings the written notice to the Attorney General with the determination's reasons and facts.
 */
describe('filing packets after determinations (use cases)', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let templates: TemplateCache;
  let proposer: StaffMember;
  let approver: StaffMember;
  let incidentId: string;
  const deps = () => ({ pool: db.pool, config, templates });

  const approve = async (input: Parameters<typeof proposeDetermination>[2]) => {
    const d = await proposeDetermination(deps(), actorOf(proposer.user), input);
    await decideDetermination(deps(), actorOf(approver.user), {
      incidentId,
      determinationId: d.id,
      decision: 'approve',
      comment: null,
    });
  };
  const value = (item: { content: { packet: { elements: { key: string; value: string }[] } } }, key: string) =>
    item.content.packet.elements.find((e) => e.key === key)?.value;

  beforeAll(async () => {
    db = await createTestDatabase();
    config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
    templates = new TemplateCache(db.pool);
    proposer = await newUser(db.pool, { role: 'compliance', email: 'pkd-a@staff.example.com' });
    approver = await newUser(db.pool, { role: 'compliance', email: 'pkd-b@staff.example.com' });
    const people = [
      { externalId: 'PKD-DE', fullName: 'Dora Deutsch', country: 'DE' },
      { externalId: 'PKD-FR', fullName: 'Fanny France', country: 'FR' },
      { externalId: 'PKD-IE', fullName: 'Ita Eire', country: 'IE' },
      { externalId: 'PKD-IE2', fullName: 'Ivo Eire', country: 'IE' },
      { externalId: 'PKD-AK', fullName: 'Al Aska', country: 'US', region: 'US-AK' },
    ];
    await importInventory(db.pool, {
      customers: people,
      holdings: people.map((p) => ({
        customerExternalId: p.externalId,
        system: 'crm-pkd',
        categories: ['name', 'ssn'],
      })),
    });
    ({
      incident: { id: incidentId },
    } = await newIncident(db.pool, { systems: ['crm-pkd'], dataCategories: ['name', 'ssn'] }));
    await identifyAffected(db.pool, incidentId);
    await assess({ pool: db.pool, config }, incidentId);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('drafts one packet per EU authority, each counting its own residents', async () => {
    expect((await draftMissingPackets(deps(), incidentId)).drafted).toBeGreaterThanOrEqual(3);
    const items = await listPackets(deps(), incidentId);
    const eu = items.filter((i) => ['DE', 'FR', 'IE'].includes(i.jurisdiction));
    expect(eu.map((i) => i.jurisdiction).sort()).toEqual(['DE', 'FR', 'IE']);
    expect(value(eu.find((i) => i.jurisdiction === 'IE')!, 'people_count')).toBe('2');
    expect(value(eu.find((i) => i.jurisdiction === 'DE')!, 'people_count')).toBe('1');
    // No Alaska packet before any determination: nothing is due to its Attorney General yet.
    expect(items.some((i) => i.ruleId.startsWith('US-AK.regulator'))).toBe(false);
  });

  it('a lead supervisory authority leaves one EU packet counting everyone in the EU, and sets the others aside', async () => {
    await approve({
      incidentId,
      kind: 'lead_supervisory_authority',
      reason: 'Main establishment in Dublin (Art. 56(1))',
      facts: [],
      leadJurisdiction: 'IE',
    });
    expect(await draftMissingPackets(deps(), incidentId)).toEqual({ drafted: 0 });
    const items = await listPackets(deps(), incidentId);
    expect(items.filter((i) => ['DE', 'FR'].includes(i.jurisdiction))).toEqual([]);
    const setAside = await listPackets(deps(), incidentId, { setAside: true });
    expect(setAside.filter((i) => ['DE', 'FR'].includes(i.jurisdiction)).map((i) => i.obligationStatus)).toEqual([
      'not_required',
      'not_required',
    ]);

    // Nobody had touched the lead's packet: drafted again, it quotes the statute's count — every
    // EU/EEA person — and their records; drafted again once more, nothing changes.
    const ie = items.find((i) => i.jurisdiction === 'IE')!;
    expect(ie.version).toBe(2);
    expect(value(ie, 'people_count')).toBe('4');
    expect(await draftMissingPackets(deps(), incidentId)).toEqual({ drafted: 0 });
    expect((await listPackets(deps(), incidentId)).find((i) => i.jurisdiction === 'IE')!.version).toBe(2);
    const refreshed = await revisePacket(deps(), actorOf(proposer.user), {
      incidentId,
      packetId: ie.id,
      refresh: true,
    });
    expect(value(refreshed, 'people_count')).toBe('4');
    expect(value(refreshed, 'record_count')).toBe('4');
    expect(refreshed.content.packet.counts).toMatchObject({ statute: 4, people: 5 });
  });

  it('an Alaska no-harm determination brings the written notice to the Attorney General, with its reasons and facts', async () => {
    await approve({
      incidentId,
      kind: 'no_risk_of_harm',
      reason: 'After an appropriate investigation, no reasonable likelihood of harm',
      facts: ['The laptop was recovered sealed within two hours', 'Disk encryption on; key not stored with it'],
      jurisdictions: ['US-AK'],
    });
    const current = await obligations.current(db.pool, incidentId);
    expect(current.some((o) => o.ruleId === 'US-AK.regulator.no-harm' && o.status === 'pending')).toBe(true);
    expect(await draftMissingPackets(deps(), incidentId)).toEqual({ drafted: 1 });
    const ak = (await listPackets(deps(), incidentId)).find((i) => i.ruleId === 'US-AK.regulator.no-harm')!;
    expect(ak.content.packet.family).toBe('determination');
    const determination = ak.content.packet.elements.find((e) => e.key === 'determination')!;
    expect(determination).toMatchObject({ required: true, citation: 'Alaska Stat. § 45.48.010(c)' });
    expect(determination.value).toContain('no reasonable likelihood of harm');
    expect(determination.value).toContain('- The laptop was recovered sealed within two hours');
    expect(ak.state).toBe('awaiting_approval');
  });
});
