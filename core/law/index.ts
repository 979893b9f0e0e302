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
  Threshold,
} from './types';
export { DEADLINE_ANCHORS, DEFAULT_POLICY, ELECTRONIC_NOTICE_KINDS, NOTICE_RESTRICTIONS } from './types';
export {
  NOT_REQUIRED_REASONS,
  assessObligations,
  describeRuleDeadline,
  groupsCountedBy,
  inForceAt,
  individualsRulesFor,
  normaliseGroup,
  requiredContentFor,
} from './assess';
export type { RecipientContent } from './assess';
export {
  InvalidTimeZoneError,
  addBusinessDays,
  addCalendarDays,
  computeDueAt,
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
export { lawEnforcementDelayPermitted } from './delays';
export { jurisdictionTimeZone } from './time-zones';
export { CONTACT_COMBINATIONS, channelPolicy, decideChannel } from './channels';
export type { ChannelDecision, ChannelPolicy, ContactFacts } from './channels';
