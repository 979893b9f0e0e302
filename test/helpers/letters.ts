import type { Config } from '../../core/config';
import type { Pool } from '../../core/db/pool';
import type { TemplateCache } from '../../core/mail/template-cache';
import { planChannels } from '../../core/use-cases/channels';
import { assess } from '../../core/use-cases/obligations';
import {
  approvedNotice,
  customerWith,
  identifyAffected,
  importInventory,
  newIncident,
  newUser,
  type ContactKind,
  type CustomerOverrides,
} from './factories';

/**
 * An incident whose notice is approved and whose people's channels are planned, as the workflow
 * leaves it before delivery: `people` are imported reachable as their `kind` says (@default
 * `address_only`: a letter), each held in the CRM, then identified, assessed, planned and the
 * notice approved — all through the product's use cases. No vitest: bench/ uses it too.
 */
export async function newLetterIncident(
  deps: { pool: Pool; templates: TemplateCache; config: Readonly<Config> },
  people: (CustomerOverrides & { kind?: ContactKind })[],
  incident: { title?: string; /** @default 'crm' */ system?: string } = {},
): Promise<{ incidentId: string; noticeId: string }> {
  const { pool } = deps;
  const system = incident.system ?? 'crm';
  await importInventory(pool, {
    customers: people.map(({ kind, ...c }) => customerWith(kind ?? 'address_only', c)),
    holdings: people.map((c) => ({ customerExternalId: c.externalId, system, categories: ['email'] })),
  });
  // Staff of their own: asking for a test system's staff address again would replace its token.
  const officer = await newUser(pool, { role: 'officer', email: 'officer@letters.example.com' });
  const { incident: opened } = await newIncident(pool, {
    title: incident.title ?? 'Letters test incident',
    systems: [system],
    openedBy: officer.user,
  });
  await identifyAffected(pool, opened.id);
  await assess(deps, opened.id);
  await planChannels(deps, opened.id);
  const compliance = await newUser(pool, { role: 'compliance', email: 'compliance@letters.example.com' });
  const notice = await approvedNotice(deps, opened.id, compliance.user);
  return { incidentId: opened.id, noticeId: notice.id };
}
