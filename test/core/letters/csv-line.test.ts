import { describe, expect, it } from 'vitest';
import { csvLine } from '../../../core/letters/batch';

/** The manifest's CSV line: quoted, and never a formula when the mail house opens it in a spreadsheet. */
describe('core/letters csvLine', () => {
  it('quotes every field and doubles quotes inside', () => {
    expect(csvLine(['R-1', 'Ann "Annie" Lee', '3'])).toBe('"R-1","Ann ""Annie"" Lee","3"\r\n');
  });

  it('defuses fields a spreadsheet would run as formulas', () => {
    expect(csvLine(['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\tx', 'Ann'])).toBe(
      `"'=HYPERLINK(""http://x"")","'+1","'-2+3","'@SUM(A1)","'\tx","Ann"\r\n`,
    );
  });
});
