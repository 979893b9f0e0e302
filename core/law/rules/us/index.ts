import type { Rule } from '../../types';
import { US_AK } from './ak';
import { US_AL } from './al';
import { US_AR } from './ar';
import { US_AZ } from './az';
import { US_CA } from './ca';
import { US_CO } from './co';
import { US_CT } from './ct';
import { US_DC } from './dc';
import { US_DE } from './de';
import { US_FL } from './fl';
import { US_GA } from './ga';
import { US_HI } from './hi';
import { US_IA } from './ia';
import { US_ID } from './id';
import { US_IL } from './il';
import { US_IN } from './in';
import { US_KS } from './ks';
import { US_KY } from './ky';
import { US_LA } from './la';
import { US_MA } from './ma';
import { US_MD } from './md';
import { US_ME } from './me';
import { US_MI } from './mi';
import { US_MN } from './mn';
import { US_MO } from './mo';
import { US_MS } from './ms';
import { US_MT } from './mt';
import { US_NC } from './nc';
import { US_ND } from './nd';
import { US_NE } from './ne';
import { US_NH } from './nh';
import { US_NJ } from './nj';
import { US_NM } from './nm';
import { US_NV } from './nv';
import { US_NY } from './ny';
import { US_OH } from './oh';
import { US_OK } from './ok';
import { US_OR } from './or';
import { US_PA } from './pa';
import { US_PR } from './pr';
import { US_RI } from './ri';
import { US_SC } from './sc';
import { US_SD } from './sd';
import { US_TN } from './tn';
import { US_TX } from './tx';
import { US_UT } from './ut';
import { US_VA } from './va';
import { US_VT } from './vt';
import { US_WA } from './wa';
import { US_WI } from './wi';
import { US_WV } from './wv';
import { US_WY } from './wy';

/** Every US state, the District of Columbia and Puerto Rico, one module each, alphabetical by code. */
export const US_STATE_RULES: readonly Rule[] = [
  ...US_AK,
  ...US_AL,
  ...US_AR,
  ...US_AZ,
  ...US_CA,
  ...US_CO,
  ...US_CT,
  ...US_DC,
  ...US_DE,
  ...US_FL,
  ...US_GA,
  ...US_HI,
  ...US_IA,
  ...US_ID,
  ...US_IL,
  ...US_IN,
  ...US_KS,
  ...US_KY,
  ...US_LA,
  ...US_MA,
  ...US_MD,
  ...US_ME,
  ...US_MI,
  ...US_MN,
  ...US_MO,
  ...US_MS,
  ...US_MT,
  ...US_NC,
  ...US_ND,
  ...US_NE,
  ...US_NH,
  ...US_NJ,
  ...US_NM,
  ...US_NV,
  ...US_NY,
  ...US_OH,
  ...US_OK,
  ...US_OR,
  ...US_PA,
  ...US_PR,
  ...US_RI,
  ...US_SC,
  ...US_SD,
  ...US_TN,
  ...US_TX,
  ...US_UT,
  ...US_VA,
  ...US_VT,
  ...US_WA,
  ...US_WI,
  ...US_WV,
  ...US_WY,
];

/** The 52 jurisdictions above: every state plus US-DC and US-PR. */
export const US_STATE_JURISDICTIONS: readonly string[] = [
  'US-AK',
  'US-AL',
  'US-AR',
  'US-AZ',
  'US-CA',
  'US-CO',
  'US-CT',
  'US-DC',
  'US-DE',
  'US-FL',
  'US-GA',
  'US-HI',
  'US-IA',
  'US-ID',
  'US-IL',
  'US-IN',
  'US-KS',
  'US-KY',
  'US-LA',
  'US-MA',
  'US-MD',
  'US-ME',
  'US-MI',
  'US-MN',
  'US-MO',
  'US-MS',
  'US-MT',
  'US-NC',
  'US-ND',
  'US-NE',
  'US-NH',
  'US-NJ',
  'US-NM',
  'US-NV',
  'US-NY',
  'US-OH',
  'US-OK',
  'US-OR',
  'US-PA',
  'US-PR',
  'US-RI',
  'US-SC',
  'US-SD',
  'US-TN',
  'US-TX',
  'US-UT',
  'US-VA',
  'US-VT',
  'US-WA',
  'US-WI',
  'US-WV',
  'US-WY',
];
