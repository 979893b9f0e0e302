import { describe, expect, it } from 'vitest';
import {
  RenderInputError,
  exposureWording,
  renderCustomerPage,
  renderIndividualNotice,
  renderStatusPage,
} from '../../../core/mail/render';
import { loadPageTemplates } from '../../../core/mail/templates';
import { CATALOG, company, noticeInput, set, unescapeHtml } from './fixtures';

const pages = loadPageTemplates();
const page = (overrides: Parameters<typeof noticeInput>[0] = {}, acknowledgedAt: Date | null = null) =>
  renderCustomerPage(pages, set, {
    notice: noticeInput(overrides),
    acknowledgedAt,
    acknowledgeAction: '/n/abc/acknowledge',
  });
const wordsOf = (html: string) => unescapeHtml(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');

describe('renderCustomerPage', () => {
  it('lists the same exposed data and steps as the letter it embeds', () => {
    const input = noticeInput();
    const html = page();
    const letter = renderIndividualNotice(set, input);
    const wording = exposureWording(set, 'en', input);
    expect(wording.exposed).toContain(`${CATALOG.en.categories.payment_card} (ending in 4242)`);
    for (const line of [...wording.exposed, ...wording.advice]) {
      expect(html).toContain(`<li>${line.replaceAll("'", '&#x27;')}</li>`);
      expect(letter.text).toContain(line);
    }
    expect(html).toContain(/<body[^>]*>([\s\S]*)<\/body>/i.exec(letter.html)![1]!.trim());
    expect(html).toContain(`<title>${letter.subject}</title>`);
    expect(html).toContain('<form method="post" action="/n/abc/acknowledge">');
  });

  it('refuses, like the letter, a masked identifier that shows too much', () => {
    const exposed = [{ category: 'payment_card' as const, masked: '4111111111111111' }];
    expect(() => page({ exposed })).toThrow(RenderInputError);
    expect(() => exposureWording(set, 'en', noticeInput({ exposed }))).toThrow(RenderInputError);
  });

  it("is in the letter's language and voice, and dates the acknowledgement in the reader's zone", () => {
    const html = page(
      {
        locale: 'de-DE',
        timeZone: 'Europe/Berlin',
        recipient: {
          name: 'Eva Roth',
          email: 'eva@example.net',
          isRepresentative: true,
          subjectName: 'Karl Roth',
        },
      },
      new Date('2026-03-05T13:30:00Z'),
    );
    expect(html).toContain('<html lang="de">');
    const words = wordsOf(html);
    expect(words).toContain(CATALOG.de.categories.email);
    expect(words).toContain(
      CATALOG.de.advice.identity.representative
        .replaceAll('{name}', 'Karl Roth')
        .replaceAll('{company}', company.name),
    );
    expect(words).toContain('5. März 2026 um 14:30 MEZ');
    expect(html).not.toContain('<form');
  });
});

describe('renderStatusPage', () => {
  it('says the same for every wrong link, in every language, with the support contact', () => {
    const html = renderStatusPage(pages, 'not_found', company);
    expect(html).toContain('<title>Page not found</title>');
    for (const phrase of [
      'Page not found',
      'Página no encontrada',
      'Page introuvable',
      'Seite nicht gefunden',
    ])
      expect(wordsOf(html)).toContain(phrase);
    expect(html).toContain(company.supportEmail);
    expect(wordsOf(renderStatusPage(pages, 'too_many', company))).toContain('Too many requests');
    expect(wordsOf(renderStatusPage(pages, 'failed', company))).toContain('Something went wrong on our side');
  });
});
