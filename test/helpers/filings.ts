import type { Notice } from '../../core/db/notices';
import * as notices from '../../core/db/notices';
import type { Obligation } from '../../core/db/obligations';
import { missingRequired } from '../../core/law/packets';
import {
  approvedPacket,
  decidePacket,
  draftMissingPackets,
  packetSubject,
  revisePacket,
} from '../../core/use-cases/packets';
import type { PacketDeps } from '../../core/use-cases/packets';
import type { Actor } from '../../core/use-cases/types';

/**
 * The approved filing packet of an obligation, built through the product's use cases: drafted
 * (`draftMissingPackets`), its empty required elements filled in by `reviser` (`revisePacket`),
 * approved by `approver` (`decidePacket`, bound to the content hash). `approver` must be neither
 * the incident's opener nor the reviser. The packet's submission (its email address) comes from
 * `deps.config.filing.emails` at drafting.
 */
export async function approvedFilingPacket(
  deps: PacketDeps,
  obligation: Pick<Obligation, 'incidentId' | 'ruleId' | 'jurisdiction'>,
  people: { reviser: Actor; approver: Actor },
  sequence = 1,
): Promise<Notice> {
  const { incidentId } = obligation;
  const key = { incidentId, ruleId: obligation.ruleId, jurisdiction: obligation.jurisdiction, sequence };
  if (sequence === 1) await draftMissingPackets(deps, incidentId);
  let packet = (await notices.listForIncident(deps.pool, incidentId, 'filing_packet', packetSubject(key)))[0];
  if (!packet) throw new Error(`no packet drafted for ${packetSubject(key)}`);
  const missing = missingRequired(packet.content.packet?.elements ?? []);
  if (missing.length > 0) {
    packet = await revisePacket(deps, people.reviser, {
      incidentId,
      packetId: packet.id,
      elements: Object.fromEntries(missing.map((e) => [e.key, `Test value for ${e.label}`])),
    });
  }
  await decidePacket(deps, people.approver, {
    incidentId,
    packetId: packet.id,
    contentHash: packet.contentHash,
    decision: 'approve',
    comment: null,
  });
  const approved = await approvedPacket(deps.pool, key);
  if (!approved) throw new Error(`packet ${packet.id} was not approved`);
  return approved;
}
