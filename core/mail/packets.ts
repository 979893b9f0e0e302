import type { Notice } from '../db/notices';
import { formatDate } from './intl-format';
import type { RenderedParts, TemplateSet } from './templates';

/**
 * Rendering a filing packet (templates/filing-packet/<language>/) from the snapshot its notice was
 * drafted with, in the packet's language (English where the snapshot has no template in it). Pure,
 * like render.ts: the same approved packet always renders to the same text, which is what the
 * authority is sent (core/use-cases/packets.ts `renderPacketMail`) and what the PDF export prints.
 */
export function renderFilingPacket(set: TemplateSet, notice: Notice): RenderedParts {
  const packet = notice.content.packet;
  if (!packet) throw new TypeError(`Notice ${notice.id} is not a filing packet`);
  const language = set.languages('filing-packet').includes(packet.language) ? packet.language : 'en';
  const isSupplement = packet.kind === 'supplement';
  // The heading and opening by whom it is for (a supplement's whoever it is for).
  const isCreditBureaus = !isSupplement && packet.audience === 'consumer_reporting_agencies';
  const isMedia = !isSupplement && packet.audience === 'media';
  const isDetermination = !isSupplement && packet.family === 'determination';
  const view = {
    lang: language,
    isSupplement,
    isCreditBureaus,
    isMedia,
    isDetermination,
    sequence: packet.sequence,
    reference: packetReference(notice),
    reportedOn: formatDate(notice.draftedAt, language, 'UTC'),
    authority: {
      name: packet.authority.name,
      postalAddress: packet.authority.postalAddress ?? null,
    },
    company: notice.content.company,
    regime: packet.regime,
    citation: packet.citation,
    phased: packet.phased && packet.phasing !== null,
    phasing: packet.phasing ?? '',
    // An optional element left empty (no delay to explain) is not sent; a required one never is empty
    // in an approved packet (core/use-cases/packets.ts `decidePacket`).
    elements: packet.elements
      .filter((e) => e.required || e.value.trim() !== '')
      .map((e) => ({ label: e.label, value: e.value, citation: e.citation })),
  };
  return set.render('filing-packet', language, view);
}

/**
 * The reference an authority sees: the incident's short id and the packet's rule and sequence —
 * stable across versions, so a supplement quotes the filing's.
 */
export function packetReference(notice: Pick<Notice, 'incidentId' | 'content'>): string {
  const p = notice.content.packet;
  return `FR-${notice.incidentId.slice(0, 8).toUpperCase()}-${p?.ruleId ?? ''}`;
}
