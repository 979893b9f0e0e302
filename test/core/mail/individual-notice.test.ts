import { describe, expect, it } from 'vitest';
import { DATA_CATEGORIES, type DataCategory } from '../../../core/domain/categories';
import { CONTENT_PARTS, type ContentPart } from '../../../core/domain/content-parts';
import {
  RenderInputError,
  noticeVariantKey,
  renderIndividualNotice,
  renderedMailHash,
} from '../../../core/mail/render';
import {
  CATALOG,
  CA_AG,
  CA_HEADINGS,
  CNIL,
  MARKETING,
  PART_SETS,
  SOME_CATEGORY_SETS,
  exposedItems,
  noticeInput,
  set,
  unescapeHtml,
} from './fixtures';

function indexesInOrder(haystack: string, needles: string[]): number[] {
  let from = 0;
  return needles.map((n) => {
    const i = haystack.indexOf(n, from);
    if (i >= 0) from = i + n.length;
    return i;
  });
}

describe('renderIndividualNotice', () => {
  describe('language', () => {
    it.each([
      ['en-US', 'en', 'Your reference code:'],
      ['en-GB', 'en', 'What we are doing'],
      ['es-MX', 'es', 'Su código de referencia:'],
      ['es', 'es', 'Qué estamos haciendo'],
      ['ES_mx', 'es', 'Le escribimos para informarle'],
      ['fr-CA', 'fr', 'Votre code de référence\u00a0:'],
      ['fr', 'fr', 'Ce que nous faisons'],
      ['de-AT', 'de', 'Ihr Referenzcode:'],
      ['de', 'de', 'Was wir unternehmen'],
      ['pt-BR', 'en', 'Your reference code:'],
      ['', 'en', 'Your reference code:'],
      ['not a locale!', 'en', 'Your reference code:'],
    ])('%s is written in %s', (locale, language, phrase) => {
      const mail = renderIndividualNotice(set, noticeInput({ locale }));
      expect(mail.locale).toBe(language);
      expect(mail.text).toContain(phrase);
      expect(unescapeHtml(mail.html)).toContain(phrase);
      expect(mail.html).toContain(`<html lang="${language}">`);
    });

    it('formats dates in the customer locale and time zone', () => {
      // 2026-03-05T13:30Z is still 5 March in Los Angeles; 2026-03-02T02:00Z is 1 March there.
      const input = noticeInput({
        locale: 'es-MX',
        incident: {
          ...noticeInput().incident,
          occurredFrom: new Date('2026-03-02T02:00:00Z'),
          occurredTo: new Date('2026-03-02T02:30:00Z'),
        },
      });
      const mail = renderIndividualNotice(set, input);
      expect(mail.text).toContain('Descubrimos el incidente el 5 de marzo de 2026.');
      expect(mail.text).toContain('Ocurrió el 1 de marzo de 2026.');
      const berlin = renderIndividualNotice(set, { ...input, locale: 'de-DE', timeZone: 'Europe/Berlin' });
      expect(berlin.text).toContain('am 2. März 2026');
    });

    it('prints the free text in the reader’s language when a translation is given', () => {
      const input = noticeInput({ locale: 'fr-FR' });
      input.incident.translations = {
        fr: {
          whatHappened: 'Quelqu’un a utilisé un mot de passe volé.',
          whatWeAreDoing: 'Nous avons bloqué l’accès.',
        },
      };
      const mail = renderIndividualNotice(set, input);
      expect(mail.text).toContain('Quelqu’un a utilisé un mot de passe volé.');
      expect(mail.text).not.toContain('stolen employee password');
      expect(renderIndividualNotice(set, { ...input, locale: 'en' }).text).toContain(
        'stolen employee password',
      );
    });
  });

  describe('California format (us_ca_format)', () => {
    it('carries the title and the five headings in order, in HTML and text', () => {
      const mail = renderIndividualNotice(
        set,
        noticeInput({ contentParts: PART_SETS.california, authorities: [CA_AG] }),
      );
      expect(mail.subject).toMatch(/^Notice of Data Breach/);
      for (const body of [mail.text, unescapeHtml(mail.html)]) {
        const [title, ...headings] = indexesInOrder(body, ['Notice of Data Breach', ...CA_HEADINGS]);
        expect(title).toBeGreaterThanOrEqual(0);
        for (const i of headings) expect(i).toBeGreaterThan(title ?? Infinity);
      }
      expect(mail.html).toContain('<h1>Notice of Data Breach</h1>');
      const h2 = [...mail.html.matchAll(/<h2>(.*?)<\/h2>/g)].map((m) => unescapeHtml(m[1] ?? ''));
      expect(h2).toEqual(CA_HEADINGS);
    });

    it.each(['es', 'fr', 'de'])('keeps the English headings beside the %s translation', (locale) => {
      const mail = renderIndividualNotice(set, noticeInput({ locale, contentParts: ['us_ca_format'] }));
      const h2 = [...mail.html.matchAll(/<h2>(.*?)<\/h2>/g)].map((m) => unescapeHtml(m[1] ?? ''));
      expect(h2).toHaveLength(5);
      h2.forEach((heading, i) => expect(heading.startsWith(`${CA_HEADINGS[i]} / `)).toBe(true));
      expect(
        indexesInOrder(mail.text, ['Notice of Data Breach / ', ...CA_HEADINGS]).every((i) => i >= 0),
      ).toBe(true);
    });

    it('is not used without the part', () => {
      const mail = renderIndividualNotice(set, noticeInput());
      expect(mail.text).not.toContain('Notice of Data Breach');
      expect(mail.text).not.toContain('What Happened?');
      expect(mail.text).toContain('What happened');
    });

    it('states the date of the notice and the law-enforcement delay when known', () => {
      const mail = renderIndividualNotice(
        set,
        noticeInput({
          contentParts: ['us_ca_format'],
          noticeDate: new Date('2026-03-07T18:00:00Z'),
          lawEnforcementDelay: true,
        }),
      );
      expect(mail.text).toContain('March 7, 2026');
      expect(mail.text).toContain('a law enforcement agency told us');
    });
  });

  describe('personal content', () => {
    it('lists exactly the union of categories from two systems, and no other category', () => {
      const systemA = [{ category: 'email' as const }, { category: 'payment_card' as const, masked: '4242' }];
      const systemB = [{ category: 'email' as const }, { category: 'account_credentials' as const }];
      for (const locale of ['en', 'es', 'fr', 'de'] as const) {
        const mail = renderIndividualNotice(set, noticeInput({ locale, exposed: [...systemA, ...systemB] }));
        const words = CATALOG[locale].categories;
        const ending = CATALOG[locale].endingIn.replace('{masked}', '4242');
        expect(exposedItems(mail.html).map(unescapeHtml)).toEqual([
          `${words.payment_card} (${ending})`,
          words.account_credentials,
          words.email,
        ]);
        const others = DATA_CATEGORIES.filter(
          (c) => !['email', 'payment_card', 'account_credentials'].includes(c),
        );
        for (const category of others) {
          // 'Name' is a word of ordinary prose ("in your name"); every other label is distinctive.
          if (category === 'name') continue;
          expect(mail.text, `${locale}: ${category}`).not.toContain(words[category]);
          expect(unescapeHtml(mail.html), `${locale}: ${category}`).not.toContain(words[category]);
        }
      }
    });

    it('gives advice specific to the categories exposed', () => {
      const creds = renderIndividualNotice(
        set,
        noticeInput({ exposed: [{ category: 'account_credentials' }] }),
      ).text;
      expect(creds).toContain('Change your Example Corp password');
      expect(creds).not.toContain('card statements');

      const card = renderIndividualNotice(
        set,
        noticeInput({ exposed: [{ category: 'payment_card', masked: '4242' }] }),
      ).text;
      expect(card).toContain('replacement card');
      expect(card).not.toContain('Change your Example Corp password');

      const ssn = renderIndividualNotice(
        set,
        noticeInput({ exposed: [{ category: 'ssn' }], contentParts: ['credit_freeze', 'fraud_alert'] }),
      ).text;
      expect(ssn).toContain('security freeze');
      expect(ssn).toContain('fraud alert');
      expect(ssn).toContain('Equifax');
    });

    it('merges categories that share advice, so the same advice is not repeated', () => {
      const mail = renderIndividualNotice(
        set,
        noticeInput({
          exposed: [
            { category: 'email' },
            { category: 'phone' },
            { category: 'name' },
            { category: 'postal_address' },
          ],
        }),
      );
      expect(mail.text.match(/will never ask you for your password/g)).toHaveLength(1);
      expect(exposedItems(mail.html)).toHaveLength(4);
    });

    it('shows several masked identifiers of one category once, together', () => {
      const mail = renderIndividualNotice(
        set,
        noticeInput({
          exposed: [
            { category: 'payment_card', masked: '4242' },
            { category: 'payment_card', masked: '1111' },
            { category: 'payment_card', masked: '4242' },
          ],
        }),
      );
      expect(exposedItems(mail.html)).toEqual(['Payment card number (ending in 4242 and 1111)']);
    });

    it('refuses to print more than four digits of an identifier', () => {
      expect(() =>
        renderIndividualNotice(
          set,
          noticeInput({ exposed: [{ category: 'payment_card', masked: '4242424242424242' }] }),
        ),
      ).toThrow(RenderInputError);
      expect(() => renderIndividualNotice(set, noticeInput({ exposed: [] }))).toThrow(RenderInputError);
    });

    it('puts the reference code and the personal page in both parts', () => {
      const input = noticeInput();
      const mail = renderIndividualNotice(set, input);
      expect(mail.text).toContain(input.referenceCode);
      expect(mail.text).toContain(input.pageUrl);
      expect(mail.html).toContain(input.referenceCode);
      expect(mail.html).toContain(`<a href="${input.pageUrl}">`);
    });

    it('greets the person by name', () => {
      expect(renderIndividualNotice(set, noticeInput()).text).toContain('Dear Ana García,');
      expect(renderIndividualNotice(set, noticeInput({ locale: 'de' })).text).toContain(
        'Guten Tag Ana García,',
      );
    });
  });

  describe('escaping', () => {
    const evil = '<script>alert(1)</script>';

    it('escapes names, company and free text in HTML and keeps them readable in text', () => {
      const input = noticeInput({
        recipient: { name: evil, email: 'x@example.net', isRepresentative: true, subjectName: `${evil} Sr.` },
        company: { ...noticeInput().company, name: `Evil ${evil} Corp` },
      });
      input.incident.whatHappened = `First ${evil}\n\n<img src=x onerror=alert(1)>`;
      input.incident.title = evil;
      for (const locale of ['en', 'es', 'fr', 'de']) {
        const mail = renderIndividualNotice(set, { ...input, locale });
        expect(mail.html).not.toContain('<script>');
        expect(mail.html).not.toContain('<img');
        expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
        expect(mail.text).toContain(evil);
      }
    });

    it('never links a non-web address', () => {
      const mail = renderIndividualNotice(
        set,
        noticeInput({
          contentParts: ['state_regulator_contact'],
          authorities: [{ name: 'Odd', website: 'javascript:alert(1)' }],
          pageUrl: 'javascript:alert(2)',
        }),
      );
      expect(mail.html).not.toMatch(/href="javascript:/i);
      expect(mail.html).toContain('javascript:alert(1)'); // shown as text
    });

    it('keeps the subject on one line', () => {
      const mail = renderIndividualNotice(
        set,
        noticeInput({ company: { ...noticeInput().company, name: 'Corp\r\nBcc: x@evil' } }),
      );
      expect(mail.subject).not.toMatch(/[\r\n]/);
    });
  });

  describe('deceased customer', () => {
    const rep = noticeInput({
      recipient: {
        name: 'Maria Lopez',
        email: 'maria@example.net',
        isRepresentative: true,
        subjectName: 'José García',
      },
      exposed: [
        { category: 'ssn' },
        { category: 'account_credentials' },
        { category: 'payment_card', masked: '4242' },
      ],
      contentParts: [
        'credit_freeze',
        'fraud_alert',
        'identity_theft_protection',
        'police_report',
        'ftc_contact',
      ],
    });

    it('addresses the registered representative, not the deceased', () => {
      const mail = renderIndividualNotice(set, rep);
      expect(mail.text).toContain('Dear Maria Lopez,');
      expect(mail.text).toContain(
        'You are receiving this letter as the registered representative of the late José García.',
      );
      expect(mail.text).toContain('sorry for your loss');
      expect(mail.text).toContain('the information about José García that was involved');
      expect(mail.text).toContain("deceased notice to José García's credit file");
      expect(mail.text).not.toContain('Dear José García');
      expect(mail.text).not.toMatch(
        /some of your personal information|Change your Example Corp password|information about you/,
      );
      expect(mail.text).not.toContain('These steps can help protect you:');
    });

    it.each([
      ['es', 'consta en nuestros registros como representante de José García, que ha fallecido'],
      ['fr', 'pour représenter feu José García'],
      ['de', 'als Vertretung des Nachlasses von José García'],
    ])('uses representative wording in %s', (locale, phrase) => {
      const mail = renderIndividualNotice(set, { ...rep, locale });
      expect(mail.text).toContain(phrase);
      expect(mail.text).toContain('José García');
      expect(mail.text).toContain('Maria Lopez');
    });
  });

  describe('content parts', () => {
    it.each(['en', 'es', 'fr', 'de'])('every part changes both the HTML and the text in %s', (locale) => {
      const base = noticeInput({
        locale,
        exposed: [{ category: 'ssn' }, { category: 'medical' }],
        authorities: [CA_AG],
      });
      const without = renderIndividualNotice(set, base);
      for (const part of CONTENT_PARTS) {
        const withPart = renderIndividualNotice(set, { ...base, contentParts: [part] });
        expect(withPart.text, `${locale} text ${part}`).not.toBe(without.text);
        expect(withPart.html, `${locale} html ${part}`).not.toBe(without.html);
        // Apart from the California format (which swaps the title and headings), a part only adds.
        if (part !== 'us_ca_format') {
          expect(withPart.text.length, `${locale} text ${part}`).toBeGreaterThan(without.text.length);
          expect(withPart.html.length, `${locale} html ${part}`).toBeGreaterThan(without.html.length);
        }
      }
    });

    it('names the credit bureaus and the FTC with their contact details', () => {
      const mail = renderIndividualNotice(
        set,
        noticeInput({ contentParts: ['credit_bureaus', 'ftc_contact'] }),
      );
      for (const s of [
        'Equifax',
        '1-800-685-1111',
        'equifax.com/personal/credit-report-services',
        'Experian',
        '1-888-397-3742',
        'experian.com/help',
        'TransUnion',
        '1-888-909-8872',
        'transunion.com/credit-help',
        '600 Pennsylvania Avenue NW, Washington, DC 20580',
        '1-877-438-4338',
        'identitytheft.gov',
      ]) {
        expect(mail.text).toContain(s);
        expect(mail.html).toContain(s);
      }
    });

    it('covers GDPR Art. 34: nature, DPO, likely consequences, measures, supervisory authority', () => {
      const input = noticeInput({
        locale: 'fr-FR',
        timeZone: 'Europe/Paris',
        exposed: [{ category: 'account_credentials' }, { category: 'email' }],
        contentParts: PART_SETS.gdpr,
        authorities: [CNIL],
      });
      const mail = renderIndividualNotice(set, input);
      expect(mail.text).toContain('stolen employee password'); // the nature, as written by staff
      expect(mail.text).toContain('Data Protection Officer, dpo@example.com');
      expect(mail.text).toContain('conséquences possibles');
      expect(mail.text).toContain(CATALOG.fr.risks.credentials);
      expect(mail.text).toContain('We blocked the access'); // the measures
      expect(mail.text).toContain(CNIL.name);
      expect(mail.html).toContain('href="https://www.cnil.fr/"');
    });

    it('names the state regulator from the authorities list', () => {
      const mail = renderIndividualNotice(
        set,
        noticeInput({ contentParts: ['state_regulator_contact'], authorities: [CA_AG] }),
      );
      expect(mail.text).toContain('state attorney general');
      expect(mail.text).toContain('California Attorney General');
      expect(mail.text).toContain('1-800-952-5225');
      expect(() =>
        renderIndividualNotice(set, noticeInput({ contentParts: ['state_regulator_contact'] })),
      ).toThrow(RenderInputError);
    });

    it('describes identity-theft protection plainly, with enrolment details when given', () => {
      const plain = renderIndividualNotice(
        set,
        noticeInput({ contentParts: ['identity_theft_protection'] }),
      ).text;
      expect(plain).toContain('at no cost to you');
      const detailed = renderIndividualNotice(
        set,
        noticeInput({
          contentParts: ['identity_theft_protection'],
          identityProtection: {
            provider: 'Kroll',
            months: 24,
            enrollUrl: 'https://enroll.example.com',
            enrollmentCode: 'ABC123',
            enrollBy: new Date('2026-06-30T19:00:00Z'),
          },
        }),
      ).text;
      expect(detailed).toContain('24 months');
      expect(detailed).toContain('Kroll');
      expect(detailed).toContain('ABC123');
      expect(detailed).toContain('June 30, 2026');
    });

    it('leaves out what happened where the law forbids it (Massachusetts)', () => {
      const mail = renderIndividualNotice(
        set,
        noticeInput({
          contentParts: PART_SETS.massachusetts,
          restrictions: ['omit_nature_of_breach', 'omit_number_affected'],
        }),
      );
      expect(mail.text).not.toContain('stolen employee password');
      expect(mail.html).not.toContain('stolen employee password');
      expect(mail.text).toContain('was involved in a data security incident at Example Corp');
      expect(mail.text).toContain('police report');
    });
  });

  describe('no marketing', () => {
    it('holds for every language, part set, category set and addressee', () => {
      let checked = 0;
      for (const locale of ['en', 'es', 'fr', 'de']) {
        for (const [name, parts] of Object.entries(PART_SETS)) {
          for (const categories of SOME_CATEGORY_SETS) {
            for (const isRepresentative of [false, true]) {
              const mail = renderIndividualNotice(
                set,
                noticeInput({
                  locale,
                  contentParts: parts,
                  authorities: [CA_AG],
                  exposed: categories.map((category) => ({ category })),
                  recipient: {
                    name: 'Ana García',
                    email: 'a@example.net',
                    isRepresentative,
                    subjectName: 'Luis García',
                  },
                  noticeDate: new Date('2026-03-07T00:00:00Z'),
                  lawEnforcementDelay: false,
                  identityProtection: {
                    provider: 'Kroll',
                    months: 24,
                    enrollUrl: 'https://enroll.example.com',
                    enrollmentCode: 'X1',
                  },
                }),
              );
              for (const body of [mail.subject, mail.text, unescapeHtml(mail.html)]) {
                expect(
                  MARKETING.exec(body)?.[0],
                  `${locale} ${name} ${categories.join(',')} ${isRepresentative}`,
                ).toBeUndefined();
              }
              checked += 1;
            }
          }
        }
      }
      expect(checked).toBe(4 * Object.keys(PART_SETS).length * SOME_CATEGORY_SETS.length * 2);
    });

    it('includes no tracking images or remote resources', () => {
      const mail = renderIndividualNotice(
        set,
        noticeInput({ contentParts: PART_SETS.everything, authorities: [CA_AG] }),
      );
      expect(mail.html).not.toMatch(/<img|<script|<link|<iframe|url\(/i);
    });
  });

  describe('every category', () => {
    it.each(['en', 'es', 'fr', 'de'] as const)('has plain words and advice in %s', (locale) => {
      const exposed = DATA_CATEGORIES.map((category: DataCategory) => ({ category }));
      const mail = renderIndividualNotice(set, noticeInput({ locale, exposed }));
      expect(exposedItems(mail.html).map(unescapeHtml)).toEqual(
        DATA_CATEGORIES.map((c) => CATALOG[locale].categories[c]),
      );
      for (const c of DATA_CATEGORIES) expect(mail.text).not.toContain(c.includes('_') ? c : `- ${c}\n`);
    });
  });

  it('is pure: the same input renders the same bytes', () => {
    const a = renderIndividualNotice(
      set,
      noticeInput({ contentParts: PART_SETS.everything, authorities: [CA_AG] }),
    );
    const b = renderIndividualNotice(
      set,
      noticeInput({ contentParts: PART_SETS.everything, authorities: [CA_AG] }),
    );
    expect(renderedMailHash(a)).toBe(renderedMailHash(b));
  });

  it('renders thousands of notices a second from a compiled set', () => {
    const inputs = Array.from({ length: 2_500 }, (_, i) =>
      noticeInput({
        locale: ['en-US', 'es-MX', 'fr-FR', 'de-DE'][i % 4] as string,
        recipient: {
          name: `Customer ${i}`,
          email: `c${i}@example.net`,
          isRepresentative: i % 50 === 0,
          subjectName: `Person ${i}`,
        },
        referenceCode: `REF-${i}`,
        contentParts: Object.values(PART_SETS)[i % 7] as ContentPart[],
        authorities: [CA_AG],
      }),
    );
    renderIndividualNotice(set, inputs[0]!); // warm up lazy compilation
    const started = performance.now();
    for (const input of inputs) renderIndividualNotice(set, input);
    const ms = performance.now() - started;
    console.log(`rendered 2,500 notices in ${ms.toFixed(0)} ms (${Math.round(2_500_000 / ms)}/s)`);
    expect(ms).toBeLessThan(5_000);
  });
});

describe('noticeVariantKey', () => {
  it('groups by language, parts, categories, addressee and authorities, and nothing personal', () => {
    const a = noticeInput({ locale: 'es-MX', contentParts: ['credit_bureaus', 'us_ca_format'] });
    const b = noticeInput({
      locale: 'es-ES',
      contentParts: ['us_ca_format', 'credit_bureaus', 'us_ca_format'],
      recipient: {
        name: 'Someone Else',
        email: 'else@example.net',
        isRepresentative: false,
        subjectName: 'Someone Else',
      },
      exposed: [{ category: 'payment_card', masked: '9999' }, { category: 'email' }, { category: 'email' }],
      referenceCode: 'OTHER',
    });
    expect(noticeVariantKey(a)).toBe(noticeVariantKey(b));
    expect(noticeVariantKey(a)).toBe(
      'es|parts=us_ca_format,credit_bureaus|categories=payment_card,email|self',
    );

    expect(noticeVariantKey({ ...a, locale: 'en' })).not.toBe(noticeVariantKey(a));
    expect(noticeVariantKey({ ...a, recipient: { ...a.recipient, isRepresentative: true } })).not.toBe(
      noticeVariantKey(a),
    );
    expect(noticeVariantKey({ ...a, exposed: [{ category: 'email' }] })).not.toBe(noticeVariantKey(a));
    expect(noticeVariantKey({ ...a, contentParts: ['us_ca_format'] })).not.toBe(noticeVariantKey(a));
    expect(noticeVariantKey({ ...a, authorities: [CA_AG] })).not.toBe(noticeVariantKey(a));
    expect(noticeVariantKey({ ...a, restrictions: ['omit_nature_of_breach'] })).not.toBe(noticeVariantKey(a));
  });

  it('gives customers with the same key the same text apart from their own details', () => {
    const one = noticeInput({ locale: 'fr-FR', contentParts: PART_SETS.gdpr, authorities: [CNIL] });
    const two = noticeInput({
      locale: 'fr-BE',
      contentParts: PART_SETS.gdpr,
      authorities: [CNIL],
      recipient: {
        name: 'Claire Dubois',
        email: 'c@example.net',
        isRepresentative: false,
        subjectName: 'Claire Dubois',
      },
      referenceCode: 'FR-2222-2222',
      pageUrl: 'https://notice.example.com/n/other',
      exposed: [{ category: 'payment_card', masked: '1111' }, { category: 'email' }],
    });
    expect(noticeVariantKey(one)).toBe(noticeVariantKey(two));
    const strip = (s: string, i: typeof one) =>
      s
        .replaceAll(i.recipient.name, 'NAME')
        .replaceAll(i.referenceCode, 'REF')
        .replaceAll(i.pageUrl, 'URL')
        .replace(/\d{4}\)/, 'NNNN)');
    expect(strip(renderIndividualNotice(set, two).text, two)).toBe(
      strip(renderIndividualNotice(set, one).text, one),
    );
  });
});
