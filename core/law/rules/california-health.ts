import type { DataCategory } from '../../domain/categories';
import type { Rule } from '../types';

/**
 * California Health & Safety Code § 1280.15: a licensed clinic, health facility, home health agency or
 * hospice reports unlawful or unauthorised access to, or use or disclosure of, a patient's medical
 * information to the California Department of Public Health and to the patient within 15 business days
 * of detecting it. Kept apart from the Civil Code rule (US-CA) as its own jurisdiction, US-CA-CDPH,
 * looking at California patients.
 */
const MEDICAL_INFORMATION: readonly DataCategory[] = ['medical', 'health_insurance', 'genetic'];

const COMMON = {
  jurisdiction: 'US-CA-CDPH',
  regime: 'Cal. Health & Safety Code § 1280.15',
  triggers: MEDICAL_INFORMATION,
  scope: { kind: 'pooled', where: { jurisdictions: ['US-CA'] } },
  requiresRegime: 'californiaHealthFacility',
  deadline: { kind: 'business_days', days: 15, from: 'discovery' },
  // The statute has no encryption exemption: any unauthorised access to medical information counts.
  safeHarbour: 'none',
  timeZone: 'America/Los_Angeles',
} as const;

const NOTE =
  'Fifteen business days after the access, use or disclosure is detected; Forthright counts from discovery and skips only the holidays common to the federal and California calendars (a missing holiday makes the deadline earlier). "Medical information" is Civil Code § 56.05’s: the health categories stand in for it. Penalties run per patient and per late day (§ 1280.15(a)).';

export const CALIFORNIA_HEALTH_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'US-CA-CDPH.regulator',
    audience: 'regulator',
    requiredContent: [],
    authority: {
      name: 'California Department of Public Health (Licensing and Certification district office)',
      website: 'https://www.cdph.ca.gov/Programs/CHCQ/LCP',
    },
    citation: 'Cal. Health & Safety Code § 1280.15(b)(1)',
    uncertain: NOTE,
  },
  {
    ...COMMON,
    id: 'US-CA-CDPH.individuals',
    audience: 'individuals',
    electronicNotice: {
      kind: 'agreement',
      citation: 'Cal. Health & Safety Code § 1280.15(b)(2) (written notice to the last known address)',
    },
    requiredContent: [],
    citation: 'Cal. Health & Safety Code § 1280.15(b)(2)',
    uncertain: `${NOTE} The patient (or representative) is told in writing at the last known address; we read email as counting only where the patient agreed to it.`,
  },
];
