import type { Rule } from '../types';
import { AUSTRALIA_RULES } from './australia';
import { BRAZIL_RULES } from './brazil';
import { CANADA_RULES } from './canada';
import { CHINA_RULES } from './china';
import { GDPR_RULES } from './gdpr';
import { HIPAA_RULES } from './hipaa';
import { INDIA_RULES } from './india';
import { JAPAN_RULES } from './japan';
import { NYDFS_RULES } from './nydfs';
import { SEC_RULES } from './sec';
import { SINGAPORE_RULES } from './singapore';
import { SOUTH_KOREA_RULES } from './south-korea';
import { UK_RULES } from './uk';
import { US_STATE_RULES } from './us';

/** Every rule Forthright knows, in a stable order: Europe, the US (sector regimes, then states), then the rest. */
export const RULES: readonly Rule[] = Object.freeze([
  ...GDPR_RULES,
  ...UK_RULES,
  ...HIPAA_RULES,
  ...SEC_RULES,
  ...NYDFS_RULES,
  ...US_STATE_RULES,
  ...CANADA_RULES,
  ...AUSTRALIA_RULES,
  ...BRAZIL_RULES,
  ...SINGAPORE_RULES,
  ...SOUTH_KOREA_RULES,
  ...JAPAN_RULES,
  ...INDIA_RULES,
  ...CHINA_RULES,
]);
