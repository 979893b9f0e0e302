import type { Config } from '../config';
import * as audit from '../db/audit';
import * as incidents from '../db/incidents';
import type { Pool } from '../db/pool';
import { inTransaction } from '../db/pool';
import * as reach from '../db/reach';
import type { PlanRow } from '../db/reach';
import { IncidentNotFoundError } from '../errors';
import { CONTACT_COMBINATIONS, RULES_VERSION, channelPolicy, decideChannel } from '../law';
import { incidentFacts } from './facts';

/** How many people go each way (planned records of the incident, all of them, not just this call's). */
export interface ChannelCounts {
  email: number;
  letter: number;
  emailAndLetter: number;
  none: number;
}

/** What of the configuration the channels depend on: which sector regimes apply to the company. */
export interface ChannelConfig {
  company: Pick<Config['company'], 'regimes'>;
}

/**
 * Plans the channel of every affected person not yet planned (issue 14 item 2), in one transaction
 * with its audit entry: the rules that apply to each distinct (jurisdictions, categories) give a
 * policy (core/law `channelPolicy`, pure), the policy and each combination of contact facts give a
 * channel (`decideChannel`), and one UPDATE writes them all (core/db/reach.ts `applyPlan`) — no
 * per-person round trip, whatever the size. Rules are read as `assess` reads them (the rules in force
 * now, the version recorded in the audit entry). Retry-safe: a record is planned once, and a retry
 * that plans nothing writes no second entry. Returns the counts per channel (no personal data).
 */
export async function planChannels(
  deps: { pool: Pool; config: ChannelConfig },
  incidentId: string,
): Promise<ChannelCounts> {
  return inTransaction(deps.pool, async (tx) => {
    const incident = await incidents.get(tx, incidentId);
    if (!incident) throw new IncidentNotFoundError(incidentId);
    const facts = incidentFacts(incident, deps.config);
    const plan: PlanRow[] = [];
    for (const key of await reach.unplannedKeys(tx, incidentId)) {
      const policy = channelPolicy(key.jurisdictions, key.categories, facts);
      for (const contact of CONTACT_COMBINATIONS) {
        plan.push({ key: reach.planKey(key), ...contact, ...decideChannel(policy, contact) });
      }
    }
    const planned = await reach.applyPlan(tx, incidentId, plan);
    const rows = await reach.channelCounts(tx, incidentId);
    const total = (channel: string) =>
      rows.filter((r) => r.channel === channel).reduce((n, r) => n + r.count, 0);
    const counts: ChannelCounts = {
      email: total('email'),
      letter: total('letter'),
      emailAndLetter: total('email_and_letter'),
      none: total('none'),
    };
    if (planned > 0) {
      await audit.append(tx, {
        incidentId,
        actor: 'system',
        action: 'notice_channels_planned',
        detail: {
          // The rules read (as `assess` reads them) and the version the incident was assessed under.
          rulesVersion: RULES_VERSION,
          assessedUnder: incident.rulesVersion,
          planned,
          ...counts,
          byReason: rows,
        },
      });
    }
    return counts;
  });
}
