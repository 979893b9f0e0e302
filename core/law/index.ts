/**
 * The law engine: notification rules as data, with citations, and pure deadline arithmetic and
 * applicability assessment. No I/O. See README.md in this folder.
 */
export { RULES_VERSION } from './version';
export { RULES } from './rules';
export { US_STATE_JURISDICTIONS } from './rules/us';
export { GDPR_STATES } from './rules/gdpr';
export type {
  AffectedGroup,
  CompanyRegime,
  CompanyRegimes,
  ConditionalContent,
  CoverageRow,
  Deadline,
  DeadlineAnchor,
  DeadlineKind,
  ElectronicNotice,
  ElectronicNoticeKind,
  GroupFilter,
  IncidentFacts,
  NoticeRestriction,
  ObligationDraft,
  ObligationDraftStatus,
  Policy,
  Rule,
  RuleScope,
  SafeHarbour,
  SubstituteMeasure,
  SubstituteNotice,
  Threshold,
} from './types';
export { DEADLINE_ANCHORS, DEFAULT_POLICY, ELECTRONIC_NOTICE_KINDS, NOTICE_RESTRICTIONS } from './types';
export {
  NOT_REQUIRED_REASONS,
  assessObligations,
  countPeople,
  coversJurisdiction,
  describeRuleDeadline,
  determinationReason,
  groupsCountedBy,
  inForceAt,
  individualsRulesFor,
  mustPrecedeIndividualNotice,
  normaliseGroup,
  requiredContentFor,
} from './assess';
export type { RecipientContent } from './assess';
export {
  InvalidTimeZoneError,
  addBusinessDays,
  addCalendarDays,
  addCalendarMonths,
  computeDueAt,
  deadlineAnchor,
  describeDeadline,
} from './deadlines';
export {
  NoHolidayCalendarError,
  easterSunday,
  hasHolidayCalendar,
  isBusinessDay,
  publicHolidays,
} from './holidays';
export { coverage, describeThreshold, renderCoverageMarkdown } from './coverage';
export { describeSubstituteNotice, substituteElements, substituteNoticeDue } from './substitute';
export type { SubstituteDue, SubstituteElementSpec, SubstituteFacts } from './substitute';
export { lawEnforcementDelay, lawEnforcementDelayPermitted, oralHoldLimitDays } from './delays';
export type { LawEnforcementDelay } from './delays';
export {
  COMPANY_PROFILE,
  COMPANY_REGIME_TOKENS,
  companyProfile,
  describeProfile,
  profileLabel,
} from './profile';
export type { CompanyRegimeToken, ProfileEntry } from './profile';
export { restrictionWarnings } from './restrictions';
export { unplacedGroups } from './unplaced';
export type { UnplacedGroup } from './unplaced';
export { jurisdictionTimeZone } from './time-zones';
export { CONTACT_COMBINATIONS, channelPolicy, decideChannel } from './channels';
export type { ChannelDecision, ChannelPolicy, ContactFacts } from './channels';
export { identityProtectionTerm } from './identity-protection';
export type { IdentityProtectionTerm } from './identity-protection';
