import type { Notice } from '../../core/db/notices';
import * as notices from '../../core/db/notices';
import * as obligations from '../../core/db/obligations';
import type { Obligation } from '../../core/db/obligations';
import { missingRequired } from '../../core/law/packets';
import {
  approvedPacket,
  decidePacket,
  draftMissingPackets,
  draftSupplement,
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
 * `deps.config.filing.emails` at drafting. A `sequence` above 1 is a supplement, drafted by
 * `reviser` (`draftSupplement`) once the filing itself is approved.
 */
export async function approvedFilingPacket(
  deps: PacketDeps,
  obligation: Pick<Obligation, 'incidentId' | 'ruleId' | 'jurisdiction'>,
  people: { reviser: Actor; approver: Actor },
  sequence = 1,
): Promise<Notice> {
  const { incidentId } = obligation;
  const key = { incidentId, ruleId: obligation.ruleId, jurisdiction: obligation.jurisdiction, sequence };
  const latest = async () =>
    (await notices.listForIncident(deps.pool, incidentId, 'filing_packet', packetSubject(key)))[0];
  if (sequence === 1) await draftMissingPackets(deps, incidentId);
  else if (!(await latest())) {
    const current = (await obligations.current(deps.pool, incidentId)).find(
      (o) => o.ruleId === key.ruleId && o.jurisdiction === key.jurisdiction,
    );
    if (!current) throw new Error(`no obligation ${key.ruleId}@${key.jurisdiction}`);
    await draftSupplement(deps, people.reviser, {
      incidentId,
      obligationId: current.id,
      reason: `Supplement ${sequence - 1}: further information`,
    });
  }
  let packet = await latest();
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

/** One packet as GET /api/incidents/:id/packets lists it (the fields tests read). */
export interface ListedPacket {
  id: string;
  ruleId: string;
  jurisdiction: string;
  sequence: number;
  contentHash: string;
  state: string;
  missing: string[];
  approvedId: string | null;
  obligationId: string | null;
  filing: { id: string; status: string; channel: string; reference: string | null } | null;
}

/** Calls the API as a test does: `(method, url, token, payload?)` → the injected response. */
export type ApiCall = (
  method: 'GET' | 'POST',
  url: string,
  token: string,
  payload?: object,
) => Promise<{ statusCode: number; body: string; json(): any }>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Approves an obligation's filing packet through the API, as compliance would: waits until the
 * workflow has drafted it, fills in its empty required elements (`reviser`), and approves the
 * version with its content hash (`approver`, a second compliance user). Returns the approved id.
 */
export async function approvePacketByApi(
  api: ApiCall,
  incidentId: string,
  which: { ruleId: string; jurisdiction: string; sequence?: number },
  tokens: { reviser: string; approver: string },
  timeoutMs = 20_000,
): Promise<string> {
  const find = async () =>
    (
      (await api('GET', `/api/incidents/${incidentId}/packets`, tokens.reviser)).json()
        .items as ListedPacket[]
    ).find(
      (p) =>
        p.ruleId === which.ruleId &&
        p.jurisdiction === which.jurisdiction &&
        p.sequence === (which.sequence ?? 1),
    );
  const deadline = Date.now() + timeoutMs;
  let packet = await find();
  while (!packet && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    packet = await find();
  }
  if (!packet) throw new Error(`no packet for ${which.ruleId}@${which.jurisdiction}`);
  if (packet.approvedId) return packet.approvedId;
  if (packet.missing.length > 0) {
    const revised = await api(
      'POST',
      `/api/incidents/${incidentId}/packets/${packet.id}/revision`,
      tokens.reviser,
      {
        elements: Object.fromEntries(packet.missing.map((key) => [key, `Test value for ${key}`])),
      },
    );
    if (revised.statusCode !== 201) throw new Error(`revision refused: ${revised.body}`);
    packet = { ...packet, id: revised.json().id, contentHash: revised.json().contentHash };
  }
  const decided = await api(
    'POST',
    `/api/incidents/${incidentId}/packets/${packet.id}/decision`,
    tokens.approver,
    {
      decision: 'approve',
      contentHash: packet.contentHash,
    },
  );
  if (decided.statusCode !== 200 || decided.json().outcome !== 'approved') {
    throw new Error(`approval refused: ${decided.body}`);
  }
  return packet.id;
}
