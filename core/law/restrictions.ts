import type { NoticeRestriction } from './types';

/**
 * What the officer's free text may break. The templates honour a notice's restrictions themselves
 * (Massachusetts: the nature of the breach is left out), but the free text ("What we are doing", and
 * the description where it is printed) is the officer's: a sentence like "12,000 customers were
 * affected" would put in an Illinois or Massachusetts notice the number the statute forbids. This is
 * a heuristic that warns the approver; it never edits the text.
 */

/** A number, or a word for a large number, within a few words of people or records. */
const NUMBER_OF_PEOPLE =
  /(?:\b\d[\d,.\u00a0\u202f ]*\d\b|\b\d\b|\b(?:dozens|hundreds|thousands|millions)\b)(?:\s+\S+){0,3}?\s+(?:customers?|clients?|consumers?|people|persons?|individuals?|residents?|users?|accounts?|records?|members?|patients?|subscribers?)\b/i;

/** Where a restriction's citation lives, for the warning. */
const WHY: Readonly<Record<NoticeRestriction, string>> = {
  omit_number_affected:
    'this notice must not state how many residents were affected (815 ILCS 530/10(a); M.G.L. c. 93H § 3(b))',
  omit_nature_of_breach: 'this notice must not describe the nature of the breach (M.G.L. c. 93H § 3(b))',
};

/**
 * Warnings for an approver: each printed free text that seems to state the number of people affected
 * where a restriction forbids it. `texts` are the passages the variant prints, by a label for each.
 */
export function restrictionWarnings(
  restrictions: readonly NoticeRestriction[],
  texts: Readonly<Record<string, string | null | undefined>>,
): string[] {
  if (!restrictions.includes('omit_number_affected')) return [];
  const warnings: string[] = [];
  for (const [label, text] of Object.entries(texts)) {
    const found = text ? NUMBER_OF_PEOPLE.exec(text) : null;
    if (found)
      warnings.push(
        `${label} seems to state a number of people (“${found[0].trim()}”): ${WHY.omit_number_affected}.`,
      );
  }
  return warnings;
}
