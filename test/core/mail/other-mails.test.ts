import { describe, expect, it } from 'vitest';
import {
  STAFF_ALERT_KINDS,
  renderCustomerFollowUp,
  renderRegulatorNotice,
  renderStaffAlert,
  type FollowUpInput,
  type RegulatorNoticeInput,
  type StaffAlertInput,
} from '../../../core/mail/render';
import { CA_AG, MARKETING, ana, company, set, unescapeHtml } from './fixtures';

const evil = '<script>alert(1)</script>';

function regulatorInput(overrides: Partial<RegulatorNoticeInput> = {}): RegulatorNoticeInput {
  return {
    timeZone: 'America/Los_Angeles',
    authority: CA_AG,
    company,
    incident: {
      reference: 'INC-2026-0042',
      title: 'Unauthorised access to the billing system',
      whatHappened: 'A stolen employee password was used to sign in to the billing system.',
      whatWeAreDoing: 'We blocked the access and reset every staff password.',
      discoveredAt: new Date('2026-03-05T13:30:00Z'),
      occurredFrom: new Date('2026-03-02T10:00:00Z'),
      occurredTo: new Date('2026-03-04T16:00:00Z'),
      encrypted: false,
      keyCompromised: false,
      systems: ['billing'],
    },
    counts: { affectedIndividuals: 12_345, inJurisdiction: 2_345, jurisdiction: 'California' },
    categories: ['email', 'ssn'],
    individualsNotifiedAt: null,
    reportedAt: new Date('2026-03-07T17:00:00Z'),
    ...overrides,
  };
}

function followUpInput(overrides: Partial<FollowUpInput> = {}): FollowUpInput {
  return {
    locale: 'en-US',
    timeZone: 'America/New_York',
    recipient: ana,
    company,
    incident: { title: 'Unauthorised access to the billing system' },
    update: 'Our investigation is complete.\n\nNo other information about you was involved.',
    updatedAt: new Date('2026-04-01T15:00:00Z'),
    referenceCode: 'FR-7KQ2-M9XD',
    pageUrl: 'https://notice.example.com/n/3q2X9vJ0kP7mZt1aB4cD5eF6gH',
    ...overrides,
  };
}

function alertInput(overrides: Partial<StaffAlertInput> = {}): StaffAlertInput {
  return {
    kind: 'reminder',
    incidentTitle: 'Billing system breach',
    jurisdiction: 'US-CA',
    audience: 'individuals',
    regime: 'Cal. Civ. Code § 1798.82',
    citation: 'Cal. Civ. Code § 1798.82(a)',
    dueAt: new Date('2026-03-10T12:00:00Z'),
    now: new Date('2026-03-08T09:00:00Z'),
    timeZone: 'Europe/London',
    incidentUrl: 'http://localhost:3000/console/incidents/42',
    ...overrides,
  };
}

describe('renderRegulatorNotice', () => {
  it('sets out the facts, counts, categories, measures and contact formally', () => {
    const mail = renderRegulatorNotice(set, regulatorInput());
    expect(mail.locale).toBe('en');
    expect(mail.subject).toBe('Notification of a personal data breach – Example Corp – ref. INC-2026-0042');
    for (const s of [
      'To: California Attorney General',
      'Date: 7 March 2026',
      'Dear Sir or Madam,',
      'residents of California',
      'A stolen employee password',
      'Discovered: 5 March 2026 at 05:30 GMT-8',
      'Occurred: from 2 March 2026 to 4 March 2026',
      'Total number of individuals affected: 12,345',
      'Of whom residents of California: 2,345',
      'Social Security number',
      'Email address',
      'The data was not encrypted.',
      'Likely consequences',
      'Measures taken or proposed',
      'We blocked the access',
      'Individual notices to the affected individuals are being prepared.',
      'Data Protection Officer, dpo@example.com',
      'Yours faithfully,',
    ]) {
      expect(mail.text).toContain(s);
      expect(unescapeHtml(mail.html)).toContain(s);
    }
  });

  it('says when individuals were or will be notified, and uses a named contact when given', () => {
    const done = renderRegulatorNotice(
      set,
      regulatorInput({ individualsNotifiedAt: new Date('2026-03-06T12:00:00Z') }),
    ).text;
    expect(done).toContain('were notified individually by email on 6 March 2026');
    const planned = renderRegulatorNotice(
      set,
      regulatorInput({
        individualsNotifiedAt: new Date('2026-03-09T12:00:00Z'),
        contact: { name: 'Jo Smith', role: 'Privacy Officer', email: 'jo@example.com', phone: '+1 555 0101' },
        likelyConsequences: 'Phishing is the main risk.',
      }),
    ).text;
    expect(planned).toContain('will be notified individually by email on or about 9 March 2026');
    expect(planned).toContain('Jo Smith, Privacy Officer');
    expect(planned).toContain('Phishing is the main risk.');
  });

  it('escapes the incident title', () => {
    const input = regulatorInput();
    input.incident.title = evil;
    const mail = renderRegulatorNotice(set, input);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
  });
});

describe('renderStaffAlert', () => {
  it.each(STAFF_ALERT_KINDS)('renders a %s with the incident, obligation, due time and link', (kind) => {
    const mail = renderStaffAlert(set, alertInput({ kind, forecastAt: new Date('2026-03-11T15:00:00Z') }));
    expect(mail.subject).toContain('Notify affected individuals (US-CA, Cal. Civ. Code § 1798.82)');
    expect(mail.subject).toContain('Billing system breach');
    for (const body of [mail.text, unescapeHtml(mail.html)]) {
      expect(body).toContain('Billing system breach');
      expect(body).toContain('10 March 2026 at 12:00 GMT');
      expect(body).toContain('http://localhost:3000/console/incidents/42');
      expect(body).toContain('Cal. Civ. Code § 1798.82(a)');
    }
  });

  it('says how long is left, how late it is, or how late it will be', () => {
    expect(renderStaffAlert(set, alertInput()).text).toContain('due in 2 days 3 hours');
    expect(
      renderStaffAlert(set, alertInput({ kind: 'overdue', now: new Date('2026-03-10T13:30:00Z') })).text,
    ).toContain('passed its deadline by 1 hour 30 minutes');
    expect(
      renderStaffAlert(
        set,
        alertInput({ kind: 'forecast_late', forecastAt: new Date('2026-03-11T12:00:00Z') }),
      ).text,
    ).toContain('1 day late');
    expect(renderStaffAlert(set, alertInput({ kind: 'reminder', waitsOnApproval: true })).text).toContain(
      'waiting for the notice to be approved',
    );
  });

  it('copes with an obligation that has no deadline yet', () => {
    const mail = renderStaffAlert(set, alertInput({ dueAt: null, now: null }));
    expect(mail.text).toContain('Due:        not yet fixed');
    expect(mail.subject).not.toContain('due');
  });

  it('escapes the incident title', () => {
    const mail = renderStaffAlert(set, alertInput({ incidentTitle: evil }));
    expect(mail.html).not.toContain('<script>');
    expect(mail.subject).toContain(evil); // a subject is plain text, not HTML
  });
});

describe('renderCustomerFollowUp', () => {
  it.each([
    ['en-US', 'en', 'Update on the data security incident'],
    ['es-MX', 'es', 'Novedades sobre el incidente de seguridad de datos'],
    ['fr-FR', 'fr', 'Point sur l’incident de sécurité des données'.replace('’', "'")],
    ['de-DE', 'de', 'Neuigkeiten zum Datensicherheitsvorfall'],
  ])('%s gets the follow-up in %s with the reference code and page', (locale, language, title) => {
    const input = followUpInput({ locale });
    const mail = renderCustomerFollowUp(set, input);
    expect(mail.locale).toBe(language);
    expect(mail.subject).toContain(title);
    expect(mail.text).toContain(input.referenceCode);
    expect(mail.text).toContain(input.pageUrl);
    expect(mail.html).toContain(input.referenceCode);
    expect(mail.text).toContain('Our investigation is complete.');
  });

  it('uses the translated update and representative wording', () => {
    const mail = renderCustomerFollowUp(
      set,
      followUpInput({
        locale: 'es',
        recipient: {
          name: 'Maria Lopez',
          email: 'm@example.net',
          isRepresentative: true,
          subjectName: 'José García',
        },
        updateTranslations: { es: 'Nuestra investigación ha terminado.' },
      }),
    );
    expect(mail.text).toContain('Nuestra investigación ha terminado.');
    expect(mail.text).toContain('como representante de José García');
    expect(mail.text).toContain('1 de abril de 2026');
  });

  it('escapes the name and the update', () => {
    const mail = renderCustomerFollowUp(
      set,
      followUpInput({
        recipient: { name: evil, email: 'x@example.net', isRepresentative: false, subjectName: evil },
        update: evil,
      }),
    );
    expect(mail.html).not.toContain('<script>');
    expect(mail.text).toContain(evil);
  });
});

describe('marketing blocklist', () => {
  it('matches what it should', () => {
    expect(MARKETING.test('Upgrade to premium today')).toBe(true);
    expect(MARKETING.test('Use offer  code SAVE10')).toBe(true);
    expect(MARKETING.test('Nuestra oferta')).toBe(true);
    expect(MARKETING.test('This dealt with the incident')).toBe(false);
  });

  it('finds nothing in follow-ups, regulator notices or staff alerts', () => {
    const mails = [
      ...['en', 'es', 'fr', 'de'].flatMap((locale) => [
        renderCustomerFollowUp(set, followUpInput({ locale })),
        renderCustomerFollowUp(
          set,
          followUpInput({
            locale,
            recipient: { name: 'M', email: 'm@example.net', isRepresentative: true, subjectName: 'J' },
          }),
        ),
      ]),
      renderRegulatorNotice(set, regulatorInput()),
      ...STAFF_ALERT_KINDS.map((kind) => renderStaffAlert(set, alertInput({ kind }))),
    ];
    for (const mail of mails) {
      for (const body of [mail.subject, mail.text, unescapeHtml(mail.html)])
        expect(MARKETING.exec(body)?.[0]).toBeUndefined();
    }
  });
});
