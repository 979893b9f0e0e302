// The naive design, for comparison only: one activity per email, as most workflow samples send mail.
// A page of ids is listed, then every id gets its own activity (all of a page at once), and the run
// continues as new every two pages to keep its history bounded.
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { NaiveActivities } from './activities';

const { listPendingIds, sendOneNotice } = proxyActivities<NaiveActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

const PAGE = 500;
const PAGES_PER_RUN = 2;

export async function naiveDeliveryWorkflow(input: {
  incidentId: string;
  noticeId: string;
  after: number;
}): Promise<void> {
  let after = input.after;
  for (let pages = 0; pages < PAGES_PER_RUN; pages++) {
    const ids = await listPendingIds({ incidentId: input.incidentId, after, limit: PAGE });
    if (ids.length === 0) return;
    await Promise.all(
      ids.map((customerId) =>
        sendOneNotice({ incidentId: input.incidentId, noticeId: input.noticeId, customerId }),
      ),
    );
    after = ids.at(-1)!;
  }
  await continueAsNew<typeof naiveDeliveryWorkflow>({ ...input, after });
}
