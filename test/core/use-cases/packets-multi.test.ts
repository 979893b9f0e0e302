import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import type { DataCategory } from '../../../core/domain/categories';
import { RULES } from '../../../core/law';
import { packetSpecFor } from '../../../core/law/packets';
import { TemplateCache } from '../../../core/mail/template-cache';
import { assess } from '../../../core/use-cases/obligations';
import { draftMissingPackets, listPackets } from '../../../core/use-cases/packets';
import type { PacketListItem } from '../../../core/use-cases/packets';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import {
  approvedNotice,
  identifyAffected,
  importInventory,
  newIncident,
  newUser,
} from '../../helpers/factories';

/**
 * The multi-jurisdiction incident, drafted: EU residents in three member states, the UK,
 * 501 Californians, a Marylander, 1,001 Floridians who are also HIPAA patients. Every authority the
 * law names gets a packet with each element its law asks for, filled from the incident and the
 * data; what is left empty is only what compliance must write.
 */
describe('filing packets for a multi-jurisdiction incident (use cases)', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let templates: TemplateCache;
  let incidentId: string;
  let items: PacketListItem[];

  const people = (prefix: string, n: number, where: { country: string; region?: string }) =>
    Array.from({ length: n }, (_, i) => ({
      externalId: `${prefix}-${i}`,
      fullName: `${prefix} ${i}`,
      ...where,
    }));

  beforeAll(async () => {
    db = await createTestDatabase();
    config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', COMPANY_REGIMES: 'hipaa' });
    templates = new TemplateCache(db.pool);
    const compliance = await newUser(db.pool, { role: 'compliance', email: 'pkm-c@staff.example.com' });
    const general = [
      ...people('PKM-DE', 1, { country: 'DE' }),
      ...people('PKM-FR', 1, { country: 'FR' }),
      ...people('PKM-IE', 1, { country: 'IE' }),
      ...people('PKM-GB', 1, { country: 'GB' }),
      ...people('PKM-CA', 501, { country: 'US', region: 'US-CA' }),
      ...people('PKM-MD', 1, { country: 'US', region: 'US-MD' }),
    ];
    const patients = people('PKM-FL', 1001, { country: 'US', region: 'US-FL' });
    await importInventory(db.pool, {
      customers: [...general, ...patients],
      holdings: [
        ...general.map((p) => ({
          customerExternalId: p.externalId,
          system: 'crm-pkm',
          categories: ['name', 'ssn'] as DataCategory[],
        })),
        ...patients.map((p) => ({
          customerExternalId: p.externalId,
          system: 'crm-pkm',
          categories: ['name', 'ssn', 'medical'] as DataCategory[],
        })),
      ],
    });
    ({
      incident: { id: incidentId },
    } = await newIncident(db.pool, {
      systems: ['crm-pkm'],
      dataCategories: ['name', 'ssn', 'medical'],
      title: 'Patient portal database copied',
      description: 'An attacker copied the patient portal database using a stolen administrator password.',
    }));
    await identifyAffected(db.pool, incidentId);
    await assess({ pool: db.pool, config }, incidentId);
    await approvedNotice({ pool: db.pool, templates, config }, incidentId, compliance.user);
    await draftMissingPackets({ pool: db.pool, templates, config }, incidentId);
    items = await listPackets({ pool: db.pool }, incidentId);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const packet = (ruleId: string, jurisdiction?: string) => {
    const found = items.find(
      (i) => i.ruleId === ruleId && (!jurisdiction || i.jurisdiction === jurisdiction),
    );
    expect(found, `${ruleId} ${jurisdiction ?? ''}`).toBeDefined();
    return found!;
  };
  const valueOf = (item: PacketListItem, key: string) =>
    item.content.packet.elements.find((e) => e.key === key)?.value;

  it('drafts a packet for every authority the law names', () => {
    for (const id of ['DE.regulator', 'FR.regulator', 'IE.regulator', 'GB.regulator', 'US-MD.regulator'])
      packet(id);
    expect(items.some((i) => i.ruleId.startsWith('US-CA.regulator'))).toBe(true);
    packet('US-FL.regulator');
    packet('US-FL.consumer_reporting_agencies');
    packet('US-HIPAA.regulator');
    packet('US-HIPAA.media', 'US-FL');
  });

  it('fills every element its law asks for, leaving empty only what compliance writes', () => {
    for (const item of items) {
      const rule = RULES.find((r) => r.id === item.ruleId)!;
      const spec = packetSpecFor(rule);
      const keys = item.content.packet.elements.map((e) => e.key);
      for (const e of spec.elements.filter((x) => x.required))
        expect(keys, `${item.subject}`).toContain(e.key);
      for (const e of item.content.packet.elements.filter((x) => x.required && x.source !== 'compliance')) {
        expect(e.value.trim(), `${item.subject} ${e.key}`).not.toBe('');
      }
      const compliance = new Set(spec.elements.filter((e) => e.source === 'compliance').map((e) => e.key));
      for (const key of item.missing) expect(compliance.has(key), `${item.subject} ${key}`).toBe(true);
    }
  });

  it('quotes the counts the statutes mean', () => {
    expect(valueOf(packet('US-FL.regulator'), 'people_count')).toBe('1,001');
    const ca = items.find((i) => i.ruleId.startsWith('US-CA.regulator'))!;
    expect(valueOf(ca, 'people_count')).toBe('501');
    // HIPAA's pooled count is the law engine's (core/law assess): the packet quotes it as it stands.
    const hhs = packet('US-HIPAA.regulator');
    expect(valueOf(hhs, 'people_count')).toBe(hhs.content.packet.counts.statute.toLocaleString('en-US'));
    expect(valueOf(packet('DE.regulator'), 'people_count')).toBe('1');
    expect(packet('US-FL.regulator').content.packet.counts).toMatchObject({ statute: 1001, people: 1507 });
  });

  it('gives each authority the notice its residents read, for nobody in particular', () => {
    const ca = items.find((i) => i.ruleId.startsWith('US-CA.regulator'))!;
    const copy = valueOf(ca, 'notice_copy')!;
    expect(copy).toContain('[REFERENCE]');
    expect(copy).toContain('stolen administrator password');
    expect(copy).not.toMatch(/PKM-CA/);
    expect(valueOf(packet('US-FL.consumer_reporting_agencies'), 'notice_copy')).toContain('[REFERENCE]');
  });
});
