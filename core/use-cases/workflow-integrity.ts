import * as audit from '../db/audit';
import type { Pool } from '../db/pool';
import { inTransaction } from '../db/pool';
import * as tampering from '../db/workflow-tampering';
import type { WorkflowTampering } from '../db/workflow-tampering';

/**
 * Records that an incident's workflow was terminated or reset by someone acting on Temporal
 * directly (its CLI, UI or an SDK client): Forthright itself never does either, so its deadline
 * timers and approval may have been stopped or replayed behind its back. Each finding is recorded
 * and audited once, in one transaction; the incident shows it (api/routes/incidents.ts).
 */
export async function recordWorkflowTampering(
  deps: { pool: Pool },
  incidentId: string,
  findings: Omit<WorkflowTampering, 'detectedAt'>[],
): Promise<number> {
  let recorded = 0;
  for (const finding of findings) {
    await inTransaction(deps.pool, async (tx) => {
      if (!(await tampering.record(tx, incidentId, finding))) return;
      recorded++;
      await audit.append(tx, {
        incidentId,
        actor: 'system',
        action: 'workflow_tampered',
        detail: {
          kind: finding.kind,
          runId: finding.runId,
          happenedAt: finding.happenedAt,
          identity: finding.identity,
          reason: finding.reason,
        },
        dedupeKey: `workflow_tampered:${incidentId}:${finding.runId}:${finding.kind}`,
      });
    });
  }
  return recorded;
}
