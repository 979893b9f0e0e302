import { describe, expect, it } from 'vitest';
import { RULES } from '../../../core/law';
import type { Rule } from '../../../core/law';
import {
  PACKET_ELEMENT_KEYS,
  elementLabel,
  missingRequired,
  packetFamily,
  packetSpecFor,
  submissionFor,
} from '../../../core/law/packets';
import type { PacketElementKey } from '../../../core/law/packets';

const rule = (id: string): Rule => {
  const found = RULES.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
};

/** The required elements of a rule's packet, key → citation. */
const required = (id: string): Map<PacketElementKey, string> =>
  new Map(
    packetSpecFor(rule(id))
      .elements.filter((e) => e.required)
      .map((e) => [e.key, e.citation]),
  );

/** Each law's required elements and the provision each must cite (a substring of the citation). */
const REQUIRED: Record<string, Partial<Record<PacketElementKey, string>>> = {
  // GDPR Art. 33(3)(a)–(d).
  'DE.regulator': {
    nature: 'GDPR Art. 33(3)(a)',
    data_subject_categories: 'GDPR Art. 33(3)(a)',
    people_count: 'GDPR Art. 33(3)(a)',
    data_categories: 'GDPR Art. 33(3)(a)',
    record_count: 'GDPR Art. 33(3)(a)',
    dpo_contact: 'GDPR Art. 33(3)(b)',
    likely_consequences: 'GDPR Art. 33(3)(c)',
    measures: 'GDPR Art. 33(3)(d)',
  },
  'IE.regulator': {
    nature: 'GDPR Art. 33(3)(a)',
    people_count: 'GDPR Art. 33(3)(a)',
    dpo_contact: 'GDPR Art. 33(3)(b)',
    likely_consequences: 'GDPR Art. 33(3)(c)',
    measures: 'GDPR Art. 33(3)(d)',
  },
  // UK GDPR: the same, to the ICO.
  'GB.regulator': {
    nature: 'UK GDPR Art. 33(3)(a)',
    people_count: 'UK GDPR Art. 33(3)(a)',
    record_count: 'UK GDPR Art. 33(3)(a)',
    dpo_contact: 'UK GDPR Art. 33(3)(b)',
    likely_consequences: 'UK GDPR Art. 33(3)(c)',
    measures: 'UK GDPR Art. 33(3)(d)',
  },
  // HHS: 164.408, in the manner the HHS web site specifies (the portal's fields).
  'US-HIPAA.regulator': {
    controller: '45 CFR 164.408',
    contact_person: '45 CFR 164.408',
    dates: '45 CFR 164.408',
    breach_type: '45 CFR 164.408',
    breach_location: '45 CFR 164.408',
    people_count: '45 CFR 164.408',
    data_categories: '45 CFR 164.408',
    safeguards: '45 CFR 164.408',
    individual_notice: '45 CFR 164.408',
    measures: '45 CFR 164.408',
  },
  // HIPAA media: 164.406(c), the content of 164.404(c)(1)(A)–(E).
  'US-HIPAA.media': {
    nature: '164.404(c)(1)(A)',
    dates: '164.404(c)(1)(A)',
    data_categories: '164.404(c)(1)(B)',
    individual_steps: '164.404(c)(1)(C)',
    measures: '164.404(c)(1)(D)',
    contact_person: '164.404(c)(1)(E)',
  },
  // California: a sample copy of the notice, electronically.
  'US-CA.regulator': { notice_copy: '1798.82(f)' },
  // Maryland: before the individuals, with the 2022 minimum content.
  'US-MD.regulator': {
    people_count: '14-3504(h)(2)(i)',
    nature: '14-3504(h)(2)(ii)',
    measures: '14-3504(h)(2)(iii)',
    distribution: '14-3504(h)(2)(iv)',
    notice_copy: '14-3504(h)(2)(iv)',
  },
  // Florida's Department of Legal Affairs.
  'US-FL.regulator': {
    nature: '501.171(3)(b)1.',
    people_count: '501.171(3)(b)2.',
    services_offered: '501.171(3)(b)3.',
    notice_copy: '501.171(3)(b)4.',
    contact_person: '501.171(3)(b)5.',
  },
  // Credit bureaus: the timing, distribution and content of the notices.
  'US-FL.consumer_reporting_agencies': {
    individual_notice: '501.171(5) (timing)',
    distribution: '501.171(5) (distribution)',
    notice_copy: '501.171(5) (content)',
  },
  'US-MD.consumer_reporting_agencies': {
    individual_notice: '14-3506 (timing)',
    distribution: '14-3506 (distribution)',
    notice_copy: '14-3506 (content)',
  },
  // New Jersey's State Police, before the customers (what the NJCCIC asks for).
  'US-NJ.regulator': { nature: '56:8-163(c)(1)', people_count: '56:8-163(c)(1)', contact_person: '56:8-163(c)(1)' },
  // Texas: § 521.053(i)(1)–(6).
  'US-TX.regulator': {
    nature: '521.053(i)(1)',
    people_count: '521.053(i)(2)',
    people_notified: '521.053(i)(3)',
    measures: '521.053(i)(4)',
    measures_planned: '521.053(i)(5)',
    law_enforcement: '521.053(i)(6)',
  },
  // New York: the timing, content and distribution of the notices and the approximate number.
  'US-NY.regulator': {
    individual_notice: '899-aa(8)(a) (timing)',
    notice_copy: '899-aa(8)(a) (content)',
    distribution: '899-aa(8)(a) (distribution)',
    people_count: '899-aa(8)(a)',
  },
  // Alabama: § 8-38-6(b)(1)–(4).
  'US-AL.regulator': {
    nature: '8-38-6(b)(1)',
    people_count: '8-38-6(b)(2)',
    services_offered: '8-38-6(b)(3)',
    contact_person: '8-38-6(b)(4)',
  },
  // The written determinations that follow a no-harm finding.
  'US-AK.regulator.no-harm': { determination: '45.48.010(c)' },
  'US-FL.regulator.no-harm': { determination: '501.171(4)(c)' },
  'US-NY.regulator.no-harm': { determination: '899-aa(2)(a)' },
  'US-VT.regulator.no-harm': { determination: '2435(d)(1)' },
};

describe('packetSpecFor', () => {
  for (const [id, elements] of Object.entries(REQUIRED)) {
    it(`${id}: every element the law asks for is required, citing its provision`, () => {
      const got = required(id);
      for (const [key, citation] of Object.entries(elements)) {
        expect(got.has(key as PacketElementKey), `${id} lacks ${key}`).toBe(true);
        expect(got.get(key as PacketElementKey), `${id} ${key}`).toContain(citation);
      }
    });
  }

  it('puts each law in its family', () => {
    expect(packetFamily(rule('FR.regulator'))).toBe('gdpr');
    expect(packetFamily(rule('GB.regulator'))).toBe('uk_gdpr');
    expect(packetFamily(rule('US-HIPAA.regulator.annual-log'))).toBe('hhs');
    expect(packetFamily(rule('US-HIPAA.media'))).toBe('hipaa_media');
    expect(packetFamily(rule('US-TX.regulator'))).toBe('us_state_ag');
    expect(packetFamily(rule('US-TX.consumer_reporting_agencies'))).toBe('credit_bureaus');
    expect(packetFamily(rule('US-NJ.regulator'))).toBe('us_state_police');
    expect(packetFamily(rule('US-AK.regulator.no-harm'))).toBe('determination');
    expect(packetFamily(rule('US-SEC.regulator'))).toBe('general');
  });

  it('GDPR and UK GDPR packets may be phased (Art. 33(4)); a US state AG packet may not', () => {
    expect(packetSpecFor(rule('DE.regulator')).phasing?.citation).toBe('GDPR Art. 33(4)');
    expect(packetSpecFor(rule('GB.regulator')).phasing?.citation).toBe('UK GDPR Art. 33(4)');
    expect(packetSpecFor(rule('US-CA.regulator')).phasing).toBeNull();
    // Alabama takes supplemental or updated information at any time; HHS an addendum.
    expect(packetSpecFor(rule('US-AL.regulator')).phasing?.citation).toBe('Ala. Code § 8-38-6(c)');
    expect(packetSpecFor(rule('US-HIPAA.regulator')).phasing?.citation).toContain('addendum');
  });

  it('writes in the authority’s language where its law names one, saying why', () => {
    expect(packetSpecFor(rule('DE.regulator')).language).toBe('de');
    expect(packetSpecFor(rule('AT.regulator')).language).toBe('de');
    expect(packetSpecFor(rule('FR.regulator')).language).toBe('fr');
    expect(packetSpecFor(rule('ES.regulator')).language).toBe('es');
    expect(packetSpecFor(rule('IE.regulator')).language).toBe('en');
    expect(packetSpecFor(rule('DE.regulator')).uncertain).toContain('VwVfG');
    expect(elementLabel('nature', 'de')).toBe('Art der Verletzung');
    expect(elementLabel('nature', 'pt')).toBe('Nature of the breach');
  });

  it('gives every authority rule a packet: elements with a citation, at least one required, each key known', () => {
    const authorities = RULES.filter((r) => r.audience !== 'individuals');
    expect(authorities.length).toBeGreaterThan(100);
    for (const r of authorities) {
      const spec = packetSpecFor(r);
      expect(spec.elements.some((e) => e.required), r.id).toBe(true);
      for (const e of spec.elements) {
        expect(e.citation.trim(), `${r.id} ${e.key}`).not.toBe('');
        expect(PACKET_ELEMENT_KEYS).toContain(e.key);
      }
      expect(new Set(spec.elements.map((e) => e.key)).size, r.id).toBe(spec.elements.length);
      // What is not encoded element by element says so.
      if (spec.family === 'general') expect(spec.uncertain, r.id).toContain('not encoded');
    }
  });
});

describe('submissionFor', () => {
  it('takes a configured address first, then the rule’s, a portal, post, and the website last', () => {
    const md = rule('US-MD.regulator');
    expect(submissionFor(md, { 'US-MD.regulator': 'filings@ag.example.org' })).toEqual({
      channel: 'email',
      address: 'filings@ag.example.org',
      email: 'filings@ag.example.org',
      note: 'FILING_EMAILS',
    });
    expect(submissionFor({ id: 'X', authority: { name: 'X', email: 'x@example.org' } }).email).toBe('x@example.org');
    expect(submissionFor(rule('US-HIPAA.regulator'))).toMatchObject({
      channel: 'portal',
      address: 'https://ocrportal.hhs.gov/ocr/breach',
      email: null,
    });
    expect(submissionFor({ id: 'Y', authority: { name: 'Y', postalAddress: '1 Main St' } })).toMatchObject({
      channel: 'post',
      address: '1 Main St',
    });
    expect(submissionFor(md)).toMatchObject({ channel: 'portal', address: md.authority?.website, email: null });
    // An address the authority publishes: New Jersey's State Police take reports by email.
    expect(submissionFor(rule('US-NJ.regulator'))).toMatchObject({
      channel: 'email',
      email: 'databreach@cyber.nj.gov',
    });
    expect(submissionFor(rule('US-NJ.regulator'), { 'US-NJ.regulator': 'test@example.org' }).email).toBe(
      'test@example.org',
    );
  });
});

describe('missingRequired', () => {
  it('lists required elements that are empty or blank, not optional ones', () => {
    const base = { label: 'x', citation: 'c', source: 'compliance' as const };
    const missing = missingRequired([
      { ...base, key: 'nature', value: ' ', required: true },
      { ...base, key: 'measures', value: 'done', required: true },
      { ...base, key: 'delay_reasons', value: '', required: false },
    ]);
    expect(missing.map((e) => e.key)).toEqual(['nature']);
  });
});
