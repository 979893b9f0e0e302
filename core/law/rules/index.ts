import type { Rule } from '../types';
import { ALBERTA_RULES } from './alberta';
import { AUSTRALIA_RULES } from './australia';
import { BRAZIL_RULES } from './brazil';
import { CALIFORNIA_HEALTH_RULES } from './california-health';
import { CANADA_RULES } from './canada';
import { CHINA_RULES } from './china';
import { DORA_RULES } from './dora';
import { FTC_RULES } from './ftc';
import { GDPR_RULES } from './gdpr';
import { HIPAA_BUSINESS_ASSOCIATE_RULES, HIPAA_RULES } from './hipaa';
import { INDIA_RULES } from './india';
import { JAPAN_RULES } from './japan';
import { NEW_ZEALAND_RULES } from './new-zealand';
import { NIS2_RULES } from './nis2';
import { NYDFS_RULES } from './nydfs';
import { PROCESSOR_RULES, SERVICE_PROVIDER_RULES } from './processors';
import { QUEBEC_RULES } from './quebec';
import { SEC_RULES } from './sec';
import { SEC_REG_SP_RULES } from './sec-reg-sp';
import { SINGAPORE_RULES } from './singapore';
import { SOUTH_AFRICA_RULES } from './south-africa';
import { SOUTH_KOREA_RULES } from './south-korea';
import { SWITZERLAND_RULES } from './switzerland';
import { UK_RULES } from './uk';
import { US_STATE_RULES } from './us';

/**
 * Every rule Forthright knows, in a stable order: Europe (with its sector regimes and processors'
 * duties), the US (sector regimes, then states), then the rest.
 */
export const RULES: readonly Rule[] = Object.freeze([
  ...GDPR_RULES,
  ...UK_RULES,
  ...SWITZERLAND_RULES,
  ...NIS2_RULES,
  ...DORA_RULES,
  ...PROCESSOR_RULES,
  ...HIPAA_RULES,
  ...HIPAA_BUSINESS_ASSOCIATE_RULES,
  ...SEC_RULES,
  ...SEC_REG_SP_RULES,
  ...NYDFS_RULES,
  ...FTC_RULES,
  ...SERVICE_PROVIDER_RULES,
  ...US_STATE_RULES,
  ...CALIFORNIA_HEALTH_RULES,
  ...CANADA_RULES,
  ...QUEBEC_RULES,
  ...ALBERTA_RULES,
  ...AUSTRALIA_RULES,
  ...NEW_ZEALAND_RULES,
  ...SOUTH_AFRICA_RULES,
  ...BRAZIL_RULES,
  ...SINGAPORE_RULES,
  ...SOUTH_KOREA_RULES,
  ...JAPAN_RULES,
  ...INDIA_RULES,
  ...CHINA_RULES,
]);
