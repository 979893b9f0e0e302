// Every word the console shows for a code from the server: statuses, audit actions, audiences,
// roles and data categories, in one place. test/e2e/console-labels.test.ts checks that each status
// set in core/domain/model.ts and each audit action written in the source has an entry here, so a
// new status cannot reach a screen as raw text.

/** 'payment_card' → 'Payment card': the fallback for a code with no label (yet). */
export function humanise(code) {
  const s = String(code).replaceAll('_', ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The label of `code` in `labels`, or the code said as words. */
export const label = (labels, code) => labels[code] ?? humanise(code);

export const INCIDENT_STATUS_LABELS = {
  identifying: 'Identifying affected',
  drafting: 'Drafting notice',
  awaiting_approval: 'Awaiting approval',
  awaiting_filing: 'Approved, waiting for a prior filing',
  delivering: 'Delivering',
  completed: 'Completed',
  closed_no_notice: 'Closed, no notice',
  withdrawn: 'Withdrawn',
};

/** Statuses after which an incident page stops polling. */
export const FINAL_INCIDENT_STATUSES = ['completed', 'closed_no_notice', 'withdrawn'];

export const NOTICE_STATUS_LABELS = {
  pending_approval: 'Waiting for approval',
  approved: 'Approved',
  rejected: 'Rejected',
  superseded: 'Superseded',
};

export const OBLIGATION_STATUS_LABELS = {
  pending: 'Pending',
  met: 'Met',
  overdue: 'Overdue',
  not_required: 'Not required',
};

/** An affected customer's notice, in the incident page's customer table. */
export const AFFECTED_STATUS_LABELS = {
  pending: 'Pending',
  notified: 'Notified',
  undeliverable: 'Undeliverable',
  manual: 'By hand',
  merged: 'Merged with another record',
  not_affected: 'No longer affected (amendment)',
};

/**
 * The same statuses as a support case, where the row stands alone (the lookup's "Notice" line).
 * A merged record's lookup shows the case of the record whose notice covered it, so `merged` is
 * rarely seen here; it has its words all the same.
 */
export const CASE_STATUS_LABELS = {
  pending: 'Notice pending',
  notified: 'Notified',
  undeliverable: 'Undeliverable',
  manual: 'Handled by hand',
  merged: 'Merged with another record',
  not_affected: 'No longer affected: no notice',
};

/** An email's delivery; the lookup writes it in a sentence ("sent to …"), lower-cased there. */
export const DELIVERY_STATUS_LABELS = {
  claimed: 'Claimed',
  sending: 'Sending',
  sent: 'Sent',
  retrying: 'Retrying',
  undeliverable: 'Undeliverable',
  bounced: 'Bounced after sending',
  held: 'Held after a restore: an operator decides',
};

/** A customer in the inventory; shown by the lookup (lower-cased) when not `active`. */
export const LETTER_STATUS_LABELS = {
  queued: 'Queued',
  rendered: 'Printed, not yet posted',
  posted: 'Posted',
  returned: 'Returned by the post',
};

export const LETTER_BATCH_STATUS_LABELS = {
  rendering: 'Being printed',
  ready: 'Ready for the mail house',
  posted: 'Posted',
};

export const CUSTOMER_STATUS_LABELS = {
  active: 'Active',
  deceased: 'Deceased',
  closed: 'Closed',
};

export const AUDIENCE_LABELS = {
  individuals: 'Individuals',
  regulator: 'Regulator',
  consumer_reporting_agencies: 'Consumer reporting agencies',
  media: 'Media',
};

/** How a person's notice goes (NOTICE_CHANNELS). */
export const NOTICE_CHANNEL_LABELS = {
  email: 'Email',
  letter: 'Letter',
  email_and_letter: 'Email and letter (the letter is the lawful notice)',
  none: 'No lawful channel: substitute notice',
};

/** Why a person's notice goes that way (NOTICE_CHANNEL_REASONS). */
export const NOTICE_CHANNEL_REASON_LABELS = {
  email_allowed: 'the rules accept email',
  email_consented: 'agreed to electronic notice',
  representative_email: "a deceased customer's representative is emailed",
  no_consent: 'no consent to electronic notice on record, which a rule requires',
  no_email: 'no email address',
  no_contact: 'neither an email nor a postal address',
  email_undeliverable: 'the email could not be delivered',
  email_bounced: 'the email bounced after it was sent',
  letter_returned: 'the letter was returned by the post',
};

/** Where people stand towards an individuals' obligation (REACH_STATES), and what happens next. */
export const REACH_STATE_LABELS = {
  notified: 'Notified',
  awaiting_email: 'Waiting for the email',
  awaiting_letter: 'Waiting for a letter to be posted',
  undeliverable: 'Undeliverable: substitute notice',
  no_channel: 'No lawful channel: substitute notice',
  manual: 'By hand (deceased, no representative email)',
};

/** What happens next to people in each reach state (shown beside the counts). */
export const REACH_NEXT_STEPS = {
  awaiting_email: 'The email delivery sends it; a failure falls back to a letter where an address is known.',
  awaiting_letter: 'The next letter batch prints it; the mail house confirms posting.',
  undeliverable: 'Covered once the substitute notice is carried out.',
  no_channel: 'Covered once the substitute notice is carried out.',
  manual: 'Contact them by hand, or cover them with the substitute notice.',
};

export const ROLE_LABELS = {
  officer: 'Security officer',
  compliance: 'Compliance',
  support: 'Support',
  admin: 'Administrator',
};

/** What a substitute notice consists of (core/domain/substitute-notice.ts SUBSTITUTE_ELEMENTS). */
export const SUBSTITUTE_ELEMENT_LABELS = {
  email: 'E-mail to every known address',
  website: 'Website posting',
  media: 'Notice to the media',
  toll_free: 'Toll-free number',
  alternative: 'Alternative written or telephone notice',
  regulator_letter: 'Letter to the attorney general',
};

/** Why a substitute notice is due (SUBSTITUTE_REASONS). */
export const SUBSTITUTE_REASON_LABELS = {
  cost: 'cost of notice over the threshold',
  number: 'more people than the threshold',
  insufficient_contact: 'people without sufficient contact details',
};

/** Where a substitute notice stands (SUBSTITUTE_STATUSES). */
export const SUBSTITUTE_STATUS_LABELS = {
  open: 'Open',
  carried_out: 'Carried out',
  withdrawn: 'Withdrawn (conditions no longer hold)',
};

/** A filing packet's state (core/use-cases/packets.ts `listPackets`), in the order it moves. */
export const PACKET_STATE_LABELS = {
  draft: 'Draft',
  awaiting_approval: 'Awaiting approval',
  approved: 'Approved, not yet filed',
  filed: 'Filed',
  supplement_due: 'Supplement due',
};

/** How a filing reached the authority (filings.channel). */
export const FILING_CHANNEL_LABELS = {
  email: 'Email sent by Forthright',
  portal: "The authority's portal",
  post: 'Post',
  fax: 'Fax',
  other: 'Other',
};

/** A filing's record (filings.status): an email being sent, sent, failed, or a filing recorded by hand. */
/** Where a customer's question stands (QUESTION_STATUSES). */
export const QUESTION_STATUS_LABELS = {
  open: 'Waiting for an answer',
  sending: 'Answer being sent',
  answered: 'Answered by email',
  failed: 'Answer not sent',
  closed: 'Answered by phone or post',
};

/** How support answered a question (ANSWER_CHANNELS). */
export const ANSWER_CHANNEL_LABELS = {
  email: 'By email',
  phone: 'By phone',
  post: 'By post',
};

export const FILING_STATUS_LABELS = {
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed: check before sending again',
  recorded: 'Recorded',
};

/** Where a packet element's value comes from (PacketContent elements' `source`). */
export const PACKET_ELEMENT_SOURCE_LABELS = {
  incident: 'From the incident',
  computed: 'Computed',
  compliance: 'Written by compliance',
};

/** A packet's kind: the filing itself, or a further filing on the same obligation. */
export const PACKET_KIND_LABELS = {
  filing: 'Filing',
  supplement: 'Supplement',
};

/** What compliance decided (core/domain/determinations.ts DETERMINATION_KINDS). */
export const DETERMINATION_KIND_LABELS = {
  no_risk_of_harm: 'No risk of harm',
  lead_supervisory_authority: 'Lead supervisory authority (GDPR Art. 56)',
  exemption: 'Exemption',
  safe_harbour: 'Safe harbour',
  law_enforcement_request: 'Law-enforcement request',
  incident_withdrawal: 'Incident withdrawn (false alarm or duplicate)',
};

/** Where a determination stands (DETERMINATION_STATUSES). */
export const DETERMINATION_STATUS_LABELS = {
  proposed: 'Proposed: a second approver needed',
  approved: 'Approved',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
};

/** Why a further mailing goes (core/domain/mailings.ts MAILING_KINDS). */
export const MAILING_KIND_LABELS = {
  supplement: 'Supplement (exposure grew after an amendment)',
  reminder: 'Reminder (notice not acknowledged)',
  update: 'Update to everyone notified',
};

/** Who a further mailing goes to (MAILING_CRITERIA). */
export const MAILING_CRITERION_LABELS = {
  unacknowledged: 'Everyone emailed who has not acknowledged (and did not opt out)',
  notified: 'Everyone the first notice reached by email',
  listed: "The amendment's list (exposure grew)",
};

/** Where a further mailing stands (MAILING_STATUSES). */
export const MAILING_STATUS_LABELS = {
  sending: 'Sending',
  finished: 'Finished',
  cancelled: 'Stopped (incident withdrawn)',
};

/** One person's message of a further mailing (MAILING_DELIVERY_STATUSES). */
export const MAILING_DELIVERY_STATUS_LABELS = {
  selected: 'Selected',
  claimed: 'Claimed',
  sending: 'Sending',
  sent: 'Sent',
  retrying: 'Retrying',
  undeliverable: 'Undeliverable',
  skipped: 'Skipped (acknowledged or opted out meanwhile)',
  held: 'Held after a restore (perhaps sent after the backup)',
};

/** An amendment of an incident's facts (incident_versions: applied_at set or not). */
export const AMENDMENT_STATE_LABELS = {
  applying: 'Being applied (re-identifying, re-assessing)',
  applied: 'Applied',
};

/** Audit-trail actions, as the incident page's timeline names them. */
export const ACTION_LABELS = {
  incident_opened: 'Incident opened',
  workflow_start_failed: 'Workflow could not be started yet',
  workflow_started_late: 'Workflow started (late)',
  affected_identified: 'Affected customers identified',
  obligations_assessed: 'Obligations assessed',
  notice_drafted: 'Notice drafted',
  notice_approved: 'Notice approved',
  notice_rejected: 'Notice rejected',
  approval_decision_recorded: 'Decision recorded',
  notice_approval_recorded: 'Approval recorded (another approver needed)',
  approval_refused: 'Decision refused (not made through Forthright, or out of date)',
  workflow_tampered: 'Workflow terminated or reset outside Forthright',
  status_changed: 'Status changed',
  delivery_finished: 'Delivery finished',
  delivery_forecast_late: 'Delivery forecast late',
  restore_recorded: 'Backup restored: notices possibly sent after it held',
  held_notices_confirmed_sent: 'Held notices confirmed sent (relay evidence)',
  held_notices_released: 'Held notices released to be sent again',
  remediation_codes_imported: 'Remediation codes imported',
  remediation_codes_short: 'Remediation codes short: staff warned',
  individuals_obligations_met: 'Notice to individuals met (everyone reached or covered)',
  individuals_obligations_reopened: 'Notice to individuals re-opened: someone turned out unreached',
  notice_channels_planned: 'Notice channels planned (email, letter, substitute notice)',
  deadline_reminder_sent: 'Deadline reminder sent',
  deadline_escalated: 'Deadline escalated',
  obligation_overdue: 'Obligation overdue',
  standard_notice_used: 'Pre-approved standard notice sent',
  standard_notice_unavailable: 'No pre-approved standard notice to send',
  standard_notice_preapproved: 'Standard notice preapproved',
  standard_notice_proposed: 'Standard notice proposed',
  standard_notice_confirmed: 'Standard notice confirmed by a second approver',
  filing_recorded: 'Filing recorded',
  filing_email_requested: 'Filing email requested',
  filing_sent: 'Filing sent by email (relay accepted)',
  filing_email_failed: 'Filing email refused',
  filing_email_unconfirmed: 'Filing email unconfirmed: check with the authority',
  delay_reason_recorded: 'Delay reason recorded',
  obligation_held: 'Obligation put on hold',
  obligation_hold_lifted: 'Hold on an obligation lifted',
  law_enforcement_hold_recorded: 'Law-enforcement hold: clocks paused',
  law_enforcement_hold_lifted: 'Law-enforcement hold lifted',
  law_enforcement_hold_expired: 'Oral law-enforcement hold ended (time limit)',
  prior_filing_overridden: 'Delivery allowed before a prior filing (reason recorded)',
  obligations_reassessed_after_notice: 'Deadlines re-counted from the actual notice',
  reassessment_requested: 'Re-assessment requested',
  determination_proposed: 'Determination proposed (a second compliance user decides)',
  determination_approved: 'Determination approved: obligations re-assessed',
  determination_rejected: 'Determination rejected',
  determination_withdrawn: 'Determination withdrawn',
  incident_withdrawn: 'Incident withdrawn: nothing more is sent',
  incident_amended: 'Incident amended (a new version of its facts)',
  amendment_applied: 'Amendment applied: people re-identified, obligations re-assessed',
  incident_amended: 'Incident amended (a new version of its facts)',
  amendment_applied: 'Amendment applied: affected people re-identified, obligations re-assessed',
  follow_up_drafted: 'Follow-up text drafted (reminder, update or supplement)',
  mailing_created: 'Further mailing created (recipients selected)',
  mailing_finished: 'Further mailing finished',
  mailing_cancelled: 'Further mailing stopped (incident withdrawn)',
  reminders_opted_out: 'Customer asked not to be reminded',
  remediation_codes_imported: 'Remediation codes imported',
  remediation_codes_short: 'Remediation codes will not go round: staff warned',
  incident_purged: 'Personal data erased after the retention period',
  notice_acknowledged: 'Notice acknowledged',
  support_lookup: 'Support lookup',
  question_asked: 'Customer asked a question on their page',
  question_answer_requested: 'Answer to a question written (email queued)',
  question_answered: 'Answer to a question sent by email (relay accepted)',
  question_answer_failed: 'Answer to a question refused by the mail relay',
  question_answer_unconfirmed: 'Answer to a question unconfirmed: ask the customer before sending again',
  question_answered_offline: 'Answer to a question given by phone or post (recorded)',
  inventory_changed: 'Inventory changed',
  recipient_corrected: 'Recipient corrected',
  email_bounced:
    'Email bounced: person re-opened for a letter or substitute notice (one already without a channel stays so)',
  email_report_recorded: 'Report about a sent email recorded (no change)',
  dossier_exported: 'Evidence dossier exported',
  letter_batch_opened: 'Letter batch opened for the mail house',
  letter_batch_ready: 'Letter batch ready for the mail house',
  letters_downloaded: 'Letter file downloaded (names and addresses)',
  letters_posted: 'Letters posted',
  returned_mail_imported: 'Returned mail recorded: people fall to substitute notice',
  substitute_notice_reviewed: 'Substitute notice conditions reviewed',
  substitute_notice_carried_out: 'Substitute notice carried out',
  substitute_text_drafted: 'Substitute notice text drafted',
  filing_packet_drafted: 'Filing packet drafted',
  filing_packet_revised: 'Filing packet revised (someone else approves)',
  filing_supplement_drafted: 'Filing supplement drafted',
  substitute_posting_live: 'Website notice posted (public page live)',
  substitute_element_recorded: 'Substitute notice element recorded',
  user_token_issued: 'Service token issued',
  user_deactivated: 'User deactivated',
  user_invited: 'Person invited',
  user_sessions_ended: 'Sessions ended (sign-in required)',
  user_token_revoked: 'Service token revoked',
  staff_signed_in: 'Signed in',
  staff_signed_out: 'Signed out',
  sign_in_failed: 'Sign-in failed',
  sign_in_throttled: 'Sign-ins throttled',
};

const CATEGORY_LABELS = {
  ssn: 'Social Security number',
  tax_id: 'Tax ID',
  ip_address: 'IP address',
  drivers_license: "Driver's licence",
};
export const categoryLabel = (c) => label(CATEGORY_LABELS, c);
