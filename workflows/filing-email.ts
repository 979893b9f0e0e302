import { getExternalWorkflowHandle, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { incidentWorkflowId } from '../core/domain/ids';
import { databaseStep, filingEmail } from './activity-options';
import { obligationsChangedSignal } from './messages';
import { sendOrGiveUp } from './send-once';
import type { FilingEmailWorkflowInput } from './types';

const { sendFilingEmail } = proxyActivities<Activities>(filingEmail);
const { giveUpFilingEmail } = proxyActivities<Activities>(databaseStep);

/**
 * Sends one approved filing packet to its authority by email, exactly once
 * (core/use-cases/filings.ts): the activity sends it, or finds it sent, or marks it failed — never a
 * second message the relay may already hold. After the retries the filing is given up as failed.
 * The workflow id is the packet's (`filingEmailWorkflowId(packetId)`), so asking twice finds the
 * running one. Once it is sent, the incident's workflow is told (its obligation is met: timers and
 * any delivery held for a prior filing follow). Ids and a status only pass through the history.
 */
export async function filingEmailWorkflow(
  input: FilingEmailWorkflowInput,
): Promise<{ filingId: string; status: string }> {
  const outcome = await sendOrGiveUp(
    () => sendFilingEmail(input.filingId),
    (reason) => giveUpFilingEmail({ filingId: input.filingId, reason }),
  );
  if (outcome.status === 'sent') {
    try {
      await getExternalWorkflowHandle(incidentWorkflowId(input.incidentId)).signal(obligationsChangedSignal);
    } catch {
      // The incident's workflow has ended (or never ran): nothing waits on this obligation there.
    }
  }
  return outcome;
}
