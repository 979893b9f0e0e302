/**
 * A notice as staff see it (approval previews, the support lookup): the customer's page link is
 * withheld. The link's token is the customer's only key to their page and its acknowledgement, so
 * a preview or a case on a support screen must not open it (nor let a click acknowledge for them).
 * Everything else is the notice exactly as rendered; a copy's hash is checked before this.
 */
export function withholdPageLink<M extends { text: string; html: string }>(mail: M): M {
  return { ...mail, text: withhold(mail.text), html: withhold(mail.html) };
}

/** What stands in for the token: plainly not a link that works. */
export const WITHHELD_TOKEN = '[link withheld]';

const PAGE_TOKEN = /\/n\/[0-9a-f]{64}/g;
const withhold = (s: string) => s.replace(PAGE_TOKEN, `/n/${WITHHELD_TOKEN}`);
