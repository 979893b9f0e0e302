import type { CompanyRegime, CompanyRegimes } from './types';

/**
 * The company profile: the sector regimes that apply to this company, each with the token that
 * names it in configuration (COMPANY_REGIMES, comma-separated) and its label in the coverage
 * document. A rule with `requiresRegime` applies only where the profile has that regime.
 */
export const COMPANY_PROFILE = {
  hipaaCoveredEntity: { token: 'hipaa', label: 'HIPAA covered entity' },
  hipaaBusinessAssociate: { token: 'hipaa_business_associate', label: 'HIPAA business associate' },
  secRegistrant: { token: 'sec', label: 'SEC registrant' },
  secRegSpInstitution: {
    token: 'reg_s_p',
    label: 'Broker-dealer, investment adviser or other Reg S-P institution',
  },
  nydfsCoveredEntity: { token: 'nydfs', label: 'NYDFS licensee' },
  glbaFinancialInstitution: { token: 'glba', label: 'Financial institution under the FTC Safeguards Rule' },
  healthApp: { token: 'health_app', label: 'Health app / personal health record vendor (FTC HBNR)' },
  californiaHealthFacility: {
    token: 'ca_health_facility',
    label: 'California-licensed clinic or health facility',
  },
  nis2Entity: { token: 'nis2', label: 'NIS2 essential or important entity' },
  doraFinancialEntity: { token: 'dora', label: 'DORA financial entity' },
  processor: { token: 'processor', label: 'Processor or service provider for another controller' },
} as const satisfies Record<CompanyRegime, { token: string; label: string }>;

export type CompanyRegimeToken = (typeof COMPANY_PROFILE)[CompanyRegime]['token'];

const REGIMES = Object.keys(COMPANY_PROFILE) as CompanyRegime[];

/** Every configuration token, for the zod enum in core/config.ts. */
export const COMPANY_REGIME_TOKENS = REGIMES.map((r) => COMPANY_PROFILE[r].token) as [
  CompanyRegimeToken,
  ...CompanyRegimeToken[],
];

/** The profile the configured tokens describe; every regime not named is false. */
export function companyProfile(tokens: readonly string[]): Required<CompanyRegimes> {
  const profile = Object.fromEntries(REGIMES.map((r) => [r, tokens.includes(COMPANY_PROFILE[r].token)]));
  return profile as Required<CompanyRegimes>;
}

/** One regime of the profile as the console shows it: whether it applies to this company. */
export interface ProfileEntry {
  regime: CompanyRegime;
  token: CompanyRegimeToken;
  label: string;
  applies: boolean;
}

/** Every regime of the profile, in the order above, with whether the configuration says it applies. */
export function describeProfile(profile: CompanyRegimes): ProfileEntry[] {
  return REGIMES.map((regime) => ({
    regime,
    token: COMPANY_PROFILE[regime].token,
    label: COMPANY_PROFILE[regime].label,
    applies: profile[regime] === true,
  }));
}

/** The label of the profile a rule needs, for the coverage document. */
export function profileLabel(regime: CompanyRegime): string {
  return COMPANY_PROFILE[regime].label;
}
