/**
 * How an affected person can be reached besides email, and how identification found them: pure
 * vocabulary shared by the inventory, identification, the channel rules, letters and the API.
 */

/**
 * A postal address as the inventory holds it and a letter's address block prints it: 1–4 street
 * lines, the locality, an optional region and postal code (as the post writes them, e.g. `CA`,
 * `90210`), and the ISO 3166-1 alpha-2 country. Stored as jsonb on customers and, frozen at
 * identification, on affected_customers (migration 014).
 */
export interface PostalAddress {
  lines: string[];
  locality: string;
  region?: string | null;
  postalCode?: string | null;
  country: string;
}

/**
 * A phone number as people write one: digits with an optional leading +, spaces, dots, dashes and
 * brackets. One pattern for the API's schema (a RegExp) and the CSV import's check (SQL `~`).
 */
export const PHONE_PATTERN = '^\\+?[0-9][0-9 ().-]{2,29}$';
export const PHONE_MESSAGE = 'must be a phone number such as +1 415 555 0100';

/**
 * How identification found an affected person (core/db/affected.ts `identify`): through a holding
 * in one of the incident's exposed systems, on the incident's explicit list of customers, or both.
 */
export const FOUND_BY = ['system', 'list', 'both'] as const;
export type FoundBy = (typeof FOUND_BY)[number];
