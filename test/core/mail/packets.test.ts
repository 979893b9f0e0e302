import { describe, expect, it } from 'vitest';
import type { Notice } from '../../../core/db/notices';
import type { PacketContent, PacketFamily } from '../../../core/law/packets';
import { renderFilingPacket } from '../../../core/mail/packets';
import { compileTemplates, loadTemplateSources } from '../../../core/mail/templates';

const set = compileTemplates(loadTemplateSources());

function packetNotice(over: Partial<PacketContent> = {}): Notice {
  const packet: PacketContent = {
    ruleId: 'DE.regulator',
    jurisdiction: 'DE',
    sequence: 1,
    kind: 'filing',
    family: 'gdpr',
    audience: 'regulator',
    regime: 'GDPR',
    citation: 'Regulation (EU) 2016/679, Art. 33',
    authority: { name: 'Landesdatenschutzbehörde', postalAddress: 'Musterstraße 1, Berlin' },
    submission: { channel: 'portal', address: null, email: null, note: 'test' },
    language: 'de',
    counts: { statute: 2, people: 4, records: 2 },
    phased: false,
    phasing: 'GDPR Art. 33(4)',
    elements: [
      {
        key: 'nature',
        label: 'Art der Verletzung',
        citation: 'GDPR Art. 33(3)(a)',
        value: 'A <script> ran',
        required: true,
        source: 'incident',
      },
      {
        key: 'delay_reasons',
        label: 'Gründe für die Verzögerung',
        citation: 'GDPR Art. 33(1)',
        value: '',
        required: false,
        source: 'compliance',
      },
    ],
    uncertain: null,
    ...over,
  };
  return {
    id: '00000000-0000-0000-0000-000000000001',
    incidentId: 'abcdef12-0000-0000-0000-000000000000',
    audience: 'filing_packet',
    subject: `${packet.ruleId}@${packet.jurisdiction}#${packet.sequence}`,
    version: 1,
    status: 'approved',
    content: {
      title: 't',
      whatHappened: 'w',
      whatWeAreDoing: 'm',
      company: {
        name: 'Example Corp',
        postalAddress: '1 Example St',
        supportEmail: 's@example.com',
        supportPhone: '1',
        dpoContact: 'DPO',
      },
      packet,
    },
    templateVersion: set.version,
    contentHash: 'x'.repeat(64),
    draftedAt: new Date('2026-12-07T10:00:00Z'),
    decidedBy: null,
    decidedByName: null,
    decidedAt: null,
    decisionComment: null,
    revisedBy: null,
  };
}

describe('renderFilingPacket', () => {
  it('writes to a German authority in German, escapes HTML, leaves out optional elements left empty', () => {
    const mail = renderFilingPacket(set, packetNotice());
    expect(mail.subject).toBe(
      'Meldung einer Verletzung des Schutzes personenbezogener Daten – Example Corp – Unser Zeichen FR-ABCDEF12-DE.regulator',
    );
    expect(mail.text).toContain('Art der Verletzung');
    expect(mail.text).toContain('[GDPR Art. 33(3)(a)]');
    expect(mail.text).not.toContain('Gründe für die Verzögerung');
    expect(mail.html).toContain('A &lt;script&gt; ran');
    expect(mail.html).toContain('<html lang="de">');
  });

  it('says when information follows in phases (GDPR Art. 33(4))', () => {
    expect(renderFilingPacket(set, packetNotice({ phased: true })).text).toContain(
      'Diese Meldung erfolgt schrittweise',
    );
    expect(renderFilingPacket(set, packetNotice({ phased: true, phasing: null })).text).not.toContain(
      'schrittweise',
    );
  });

  const heading = (over: Partial<PacketContent>) =>
    renderFilingPacket(set, packetNotice({ language: 'en', ...over })).subject.split(' – ')[0];

  it('heads each audience’s packet as what it is', () => {
    expect(heading({})).toBe('Notification of a personal data breach');
    expect(heading({ audience: 'consumer_reporting_agencies', family: 'credit_bureaus' })).toBe(
      'Notice of a security breach: our notices to consumers',
    );
    expect(heading({ audience: 'media', family: 'hipaa_media' })).toBe(
      'For publication: notice of a data security incident',
    );
    expect(heading({ family: 'determination' })).toBe(
      'Written notice of a determination that harm is not likely',
    );
    expect(heading({ kind: 'supplement', sequence: 2, audience: 'consumer_reporting_agencies' })).toBe(
      'Supplementary information on a personal data breach',
    );
  });

  it('renders every audience in every language the packet template has', () => {
    expect([...set.languages('filing-packet')].sort()).toEqual(['de', 'en', 'es', 'fr']);
    const kinds: Partial<PacketContent>[] = [
      {},
      { kind: 'supplement', sequence: 2 },
      { audience: 'consumer_reporting_agencies', family: 'credit_bureaus' as PacketFamily },
      { audience: 'media', family: 'hipaa_media' as PacketFamily },
      { family: 'determination' as PacketFamily },
    ];
    for (const language of set.languages('filing-packet')) {
      const subjects = new Set<string>();
      for (const k of kinds) {
        const mail = renderFilingPacket(set, packetNotice({ language, phased: true, ...k }));
        expect(mail.text, `${language}`).toContain('Example Corp');
        subjects.add(mail.subject);
      }
      // Five different headings: none falls through to another's.
      expect(subjects.size, language).toBe(5);
    }
  });
});
