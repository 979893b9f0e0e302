/**
 * The one vocabulary of personal-data categories. Inventory holdings, incidents, law rules and
 * notices all speak it, so a category can never be spelled two ways.
 */
export const DATA_CATEGORIES = [
  'ssn',
  'drivers_license',
  'passport',
  'tax_id',
  'financial_account',
  'payment_card',
  'account_credentials',
  'medical',
  'health_insurance',
  'biometric',
  'genetic',
  'date_of_birth',
  'email',
  'phone',
  'postal_address',
  'name',
  'ip_address',
  'precise_geolocation',
] as const;

export type DataCategory = (typeof DATA_CATEGORIES)[number];

export function isDataCategory(value: string): value is DataCategory {
  return (DATA_CATEGORIES as readonly string[]).includes(value);
}

/** Sorted, de-duplicated: the canonical form stored and compared everywhere. */
export function normaliseCategories(categories: Iterable<DataCategory>): DataCategory[] {
  return [...new Set(categories)].sort((a, b) => DATA_CATEGORIES.indexOf(a) - DATA_CATEGORIES.indexOf(b));
}
