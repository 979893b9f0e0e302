import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  AFFECTED_STATUSES,
  AUDIENCES,
  CUSTOMER_STATUSES,
  DELIVERY_STATUSES,
  INCIDENT_STATUSES,
  LETTER_BATCH_STATUSES,
  LETTER_STATUSES,
  NOTICE_CHANNEL_REASONS,
  NOTICE_CHANNELS,
  NOTICE_STATUSES,
  OBLIGATION_STATUSES,
  REACH_STATES,
  ROLES,
} from '../../../core/domain/model';
import {
  SUBSTITUTE_ELEMENTS,
  SUBSTITUTE_REASONS,
  SUBSTITUTE_STATUSES,
} from '../../../core/domain/substitute-notice';
import { DETERMINATION_KINDS, DETERMINATION_STATUSES } from '../../../core/domain/determinations';
import { FILING_CHANNELS, FILING_STATUSES } from '../../../core/domain/filings';
import {
  MAILING_CRITERIA,
  MAILING_DELIVERY_STATUSES,
  MAILING_KINDS,
  MAILING_STATUSES,
} from '../../../core/domain/mailings';
import { ANSWER_CHANNELS, QUESTION_STATUSES } from '../../../core/domain/questions';
import { PACKET_ELEMENT_SOURCES, PACKET_KINDS } from '../../../core/law/packets';
import { PACKET_STATES } from '../../../core/use-cases/packets';
import { repoRoot } from '../../../scripts/lib/tools';

/**
 * The console's labels module (api/console/public/labels.js, a plain browser ES module with no
 * imports) has words for every status set core defines and every audit action the code writes, so
 * that nothing reaches a screen as a raw code.
 */

type Labels = Record<string, string>;
interface LabelsModule {
  INCIDENT_STATUS_LABELS: Labels;
  NOTICE_STATUS_LABELS: Labels;
  OBLIGATION_STATUS_LABELS: Labels;
  AFFECTED_STATUS_LABELS: Labels;
  CASE_STATUS_LABELS: Labels;
  DELIVERY_STATUS_LABELS: Labels;
  CUSTOMER_STATUS_LABELS: Labels;
  LETTER_STATUS_LABELS: Labels;
  LETTER_BATCH_STATUS_LABELS: Labels;
  NOTICE_CHANNEL_LABELS: Labels;
  NOTICE_CHANNEL_REASON_LABELS: Labels;
  REACH_STATE_LABELS: Labels;
  AUDIENCE_LABELS: Labels;
  ROLE_LABELS: Labels;
  ACTION_LABELS: Labels;
  SUBSTITUTE_ELEMENT_LABELS: Labels;
  SUBSTITUTE_REASON_LABELS: Labels;
  SUBSTITUTE_STATUS_LABELS: Labels;
  PACKET_STATE_LABELS: Labels;
  PACKET_KIND_LABELS: Labels;
  PACKET_ELEMENT_SOURCE_LABELS: Labels;
  FILING_CHANNEL_LABELS: Labels;
  FILING_STATUS_LABELS: Labels;
  QUESTION_STATUS_LABELS: Labels;
  ANSWER_CHANNEL_LABELS: Labels;
  DETERMINATION_KIND_LABELS: Labels;
  DETERMINATION_STATUS_LABELS: Labels;
  MAILING_KIND_LABELS: Labels;
  MAILING_CRITERION_LABELS: Labels;
  MAILING_STATUS_LABELS: Labels;
  MAILING_DELIVERY_STATUS_LABELS: Labels;
  FINAL_INCIDENT_STATUSES: string[];
}

const loadLabels = async () =>
  (await import(pathToFileURL(join(repoRoot, 'api', 'console', 'public', 'labels.js')).href)) as LabelsModule;

/** Source folders whose code writes audit events (tests and dependencies excluded). */
const SOURCE_DIRS = ['core', 'api', 'activities', 'workflows', 'worker', 'scripts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The audit actions the code writes, read from the source: every quoted snake_case word on a line
 * setting an `action:` property (`action: 'filing_recorded'`, `action: hold ? 'obligation_held' :
 * 'delay_reason_recorded'`). There is no list of them in core to import; reading the code that
 * writes them keeps this test from being a second list that drifts.
 */
function auditActionsInSource(): Map<string, string> {
  const actions = new Map<string, string>();
  for (const dir of SOURCE_DIRS) {
    for (const file of sourceFiles(join(repoRoot, dir))) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, index) => {
        const setting = /\baction:\s*(.*)$/.exec(line);
        if (!setting) return;
        for (const [, word] of setting[1]!.matchAll(/'([a-z]+(?:_[a-z]+)+)'/g)) {
          actions.set(word!, `${relative(repoRoot, file)}:${index + 1}`);
        }
      });
    }
  }
  return actions;
}

const missing = (labels: Labels, codes: readonly string[]) => codes.filter((c) => !labels[c]?.trim());

describe('console labels', () => {
  it('has a label for every status core defines', async () => {
    const labels = await loadLabels();
    expect(missing(labels.INCIDENT_STATUS_LABELS, INCIDENT_STATUSES)).toEqual([]);
    expect(missing(labels.LETTER_STATUS_LABELS, LETTER_STATUSES)).toEqual([]);
    expect(missing(labels.LETTER_BATCH_STATUS_LABELS, LETTER_BATCH_STATUSES)).toEqual([]);
    expect(missing(labels.NOTICE_STATUS_LABELS, NOTICE_STATUSES)).toEqual([]);
    expect(missing(labels.OBLIGATION_STATUS_LABELS, OBLIGATION_STATUSES)).toEqual([]);
    expect(missing(labels.AFFECTED_STATUS_LABELS, AFFECTED_STATUSES)).toEqual([]);
    expect(missing(labels.CASE_STATUS_LABELS, AFFECTED_STATUSES)).toEqual([]);
    expect(missing(labels.DELIVERY_STATUS_LABELS, DELIVERY_STATUSES)).toEqual([]);
    expect(missing(labels.CUSTOMER_STATUS_LABELS, CUSTOMER_STATUSES)).toEqual([]);
    expect(missing(labels.NOTICE_CHANNEL_LABELS, NOTICE_CHANNELS)).toEqual([]);
    expect(missing(labels.NOTICE_CHANNEL_REASON_LABELS, NOTICE_CHANNEL_REASONS)).toEqual([]);
    expect(missing(labels.REACH_STATE_LABELS, REACH_STATES)).toEqual([]);
    expect(missing(labels.AUDIENCE_LABELS, AUDIENCES)).toEqual([]);
    expect(missing(labels.ROLE_LABELS, ROLES)).toEqual([]);
    expect(missing(labels.SUBSTITUTE_ELEMENT_LABELS, SUBSTITUTE_ELEMENTS)).toEqual([]);
    expect(missing(labels.SUBSTITUTE_REASON_LABELS, SUBSTITUTE_REASONS)).toEqual([]);
    expect(missing(labels.SUBSTITUTE_STATUS_LABELS, SUBSTITUTE_STATUSES)).toEqual([]);
    // Filing packets, filings and determinations (issue 15).
    expect(missing(labels.PACKET_STATE_LABELS, PACKET_STATES)).toEqual([]);
    expect(missing(labels.PACKET_KIND_LABELS, PACKET_KINDS)).toEqual([]);
    expect(missing(labels.PACKET_ELEMENT_SOURCE_LABELS, PACKET_ELEMENT_SOURCES)).toEqual([]);
    expect(missing(labels.FILING_CHANNEL_LABELS, FILING_CHANNELS)).toEqual([]);
    expect(missing(labels.FILING_STATUS_LABELS, FILING_STATUSES)).toEqual([]);
    // Questions asked on the customer page (issue 17).
    expect(missing(labels.QUESTION_STATUS_LABELS, QUESTION_STATUSES)).toEqual([]);
    expect(missing(labels.ANSWER_CHANNEL_LABELS, ANSWER_CHANNELS)).toEqual([]);
    expect(missing(labels.DETERMINATION_KIND_LABELS, DETERMINATION_KINDS)).toEqual([]);
    expect(missing(labels.DETERMINATION_STATUS_LABELS, DETERMINATION_STATUSES)).toEqual([]);
    // Further mailings: supplements, reminders, updates (issue 17).
    expect(missing(labels.MAILING_KIND_LABELS, MAILING_KINDS)).toEqual([]);
    expect(missing(labels.MAILING_CRITERION_LABELS, MAILING_CRITERIA)).toEqual([]);
    expect(missing(labels.MAILING_STATUS_LABELS, MAILING_STATUSES)).toEqual([]);
    expect(missing(labels.MAILING_DELIVERY_STATUS_LABELS, MAILING_DELIVERY_STATUSES)).toEqual([]);
    for (const status of labels.FINAL_INCIDENT_STATUSES) expect(INCIDENT_STATUSES).toContain(status);
  });

  it('has a label for every audit action the code writes', async () => {
    const { ACTION_LABELS } = await loadLabels();
    const actions = auditActionsInSource();
    // The scan itself works: actions written by the API, the workflow's activities and core.
    for (const known of ['incident_opened', 'notice_approved', 'obligation_held', 'delivery_finished']) {
      expect([...actions.keys()]).toContain(known);
    }
    const unlabelled = [...actions].filter(([action]) => !ACTION_LABELS[action]?.trim());
    expect(unlabelled.map(([action, where]) => `${action} (${where})`)).toEqual([]);
  });
});
