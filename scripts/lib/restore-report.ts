import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../core/config';
import type { Pool } from '../../core/db/pool';
import * as restores from '../../core/db/restores';
import type { HeldNotice } from '../../core/db/restores';
import { recordRestore } from '../../core/use-cases/restores';
import type { RecordRestoreResult } from '../../core/use-cases/restores';

/**
 * The restore fence as scripts/restore.ts runs it on a restored, migrated database before any
 * worker starts: records the marker and holds (core/use-cases/restores.ts `recordRestore`), then
 * writes the operator's report — every held message (first notices, and further mailings' with their
 * mailing's id) with its Message-ID, to be matched against the relay's log — as JSON and CSV into
 * `reportDir`. Ids only: no name or address is in either file.
 */
export async function fenceRestoredDatabase(
  deps: { pool: Pool; config: Readonly<Config> },
  backup: { label: string; takenAt: string | null },
  reportDir: string,
): Promise<{
  result: RecordRestoreResult;
  notices: (HeldNotice & { incidentId: string })[];
  json: string;
  csv: string;
}> {
  const result = await recordRestore(deps, {
    backupLabel: backup.label,
    backupTakenAt: backup.takenAt ? new Date(backup.takenAt) : null,
  });
  // Everything held (by this restore or an earlier one), as the database holds it now.
  const notices: (HeldNotice & { incidentId: string })[] = [];
  for (const { incidentId } of await restores.heldCounts(deps.pool)) {
    for (let after = 0; ;) {
      const page = await restores.listHeld(deps.pool, incidentId, { after, limit: 10_000 });
      notices.push(...page.map((n) => ({ incidentId, ...n })));
      // A page is 10,000 people, each with all their held messages.
      if (new Set(page.map((n) => n.customerId)).size < 10_000) break;
      after = page.at(-1)!.customerId;
    }
  }
  mkdirSync(reportDir, { recursive: true });
  const base = join(reportDir, `restore-report-${backup.label}`);
  const json = `${base}.json`;
  const csv = `${base}.csv`;
  writeFileSync(
    json,
    `${JSON.stringify(
      {
        restore: result.restore,
        recordedNow: result.recorded,
        heldByIncident: result.held,
        notYetDelivering: result.notYetDelivering,
        settle:
          'For each incident: POST /api/incidents/<id>/held-notices/confirm-sent with the Message-IDs the relay accepted (its log), then POST …/release with a reason for the rest. Nothing held is sent until released.',
        notices,
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(
    csv,
    [
      'incident_id,customer_id,external_id,message_id,held_from,mailing_id',
      ...notices.map((n) =>
        [
          n.incidentId,
          n.customerId,
          csvField(n.externalId),
          csvField(n.messageId),
          n.heldFrom ?? '',
          n.mailingId ?? '',
        ].join(','),
      ),
    ].join('\n') + '\n',
  );
  return { result, notices, json, csv };
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
