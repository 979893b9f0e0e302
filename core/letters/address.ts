import type { PostalAddress } from '../domain/model';

/*
 * The address block of a letter: who it is for and where it goes, as the mail house's window
 * envelope shows it. Pure, so the PDF, the manifest and the tests print exactly the same lines.
 */

/** Who a letter is addressed to: a deceased customer's registered representative, else the person. */
export function addresseeName(r: {
  fullName: string;
  customerStatus: string;
  representativeName: string | null;
}): string {
  return r.customerStatus === 'deceased' && r.representativeName ? r.representativeName : r.fullName;
}

/** Countries whose last address line reads "locality region postal code" (USPS, Canada Post, Australia Post). */
const LOCALITY_FIRST = new Set(['US', 'CA', 'AU']);
/** Countries that print the postcode on a line of its own below the locality (Royal Mail, An Post). */
const POSTCODE_BELOW = new Set(['GB', 'IE']);

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/**
 * The lines of the address block, top to bottom: the addressee, the street lines, the locality line
 * in the destination country's order, and — for a letter leaving `homeCountry` — the destination
 * country's name in capitals on the last line, as the UPU Convention (art. 18) asks of
 * international mail. At most 8 lines (1 + 4 + 2 + 1).
 */
export function addressBlock(name: string, address: PostalAddress, homeCountry: string): string[] {
  const clean = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
  const lines = [clean(name), ...address.lines.map(clean)];
  const locality = clean(address.locality);
  const region = clean(address.region);
  const postalCode = clean(address.postalCode);
  const country = address.country.toUpperCase();
  if (LOCALITY_FIRST.has(country)) {
    lines.push([locality, region, postalCode].filter(Boolean).join(' '));
  } else if (POSTCODE_BELOW.has(country)) {
    lines.push([locality, region].filter(Boolean).join(', '));
    if (postalCode) lines.push(postalCode);
  } else {
    lines.push([postalCode, locality].filter(Boolean).join(' '));
    if (region) lines.push(region);
  }
  if (country !== homeCountry.toUpperCase()) {
    lines.push((regionNames.of(country) ?? country).toUpperCase());
  }
  return lines.filter((l) => l !== '');
}

/** The address block as one line, for the manifest's `address` column. */
export const addressOneLine = (lines: readonly string[]) => lines.slice(1).join(', ');
