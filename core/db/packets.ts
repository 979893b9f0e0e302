import type { Queryable } from './pool';

/**
 * What a filing packet quotes of an incident's people, as counts only (core/use-cases/packets.ts):
 * no person's data reaches a packet. The packets themselves are notices (core/db/notices.ts,
 * audience `filing_packet`, told apart by `subject`).
 */

/** One jurisdiction's affected records and how their notices go out. */
export interface JurisdictionCounts {
  jurisdiction: string;
  /** Affected records, merged or not. */
  records: number;
  /** People: one per person after records of one person were merged. */
  people: number;
  /** People by planned channel ('email', 'letter', 'email_and_letter', 'none', 'unplanned'). */
  byChannel: Record<string, number>;
  /** People sent their notice directly: an email the relay accepted or a letter posted. */
  notifiedDirectly: number;
  emailsSent: number;
  firstEmailAt: Date | null;
  lettersPosted: number;
  /** YYYY-MM-DD. */
  firstLetterOn: string | null;
}

/**
 * Every jurisdiction's counts in one statement over the incident's records (the use case sums the
 * jurisdictions a statute counts), so drafting every packet of a large incident reads its people
 * once, not once per authority.
 */
export async function countsByJurisdiction(db: Queryable, incidentId: string): Promise<JurisdictionCounts[]> {
  const { rows } = await db.query<Omit<JurisdictionCounts, 'byChannel'> & Record<`ch_${string}`, number>>(
    `WITH sent AS (
       SELECT customer_id, min(sent_at) AS sent_at FROM deliveries
       WHERE incident_id = $1 AND status = 'sent' GROUP BY customer_id
     ),
     posted AS (
       SELECT customer_id, min(posted_on) AS posted_on FROM letters
       WHERE incident_id = $1 AND posted_on IS NOT NULL GROUP BY customer_id
     )
     SELECT a.jurisdiction,
       count(*)::int AS records,
       count(*) FILTER (WHERE a.merged_into IS NULL)::int AS people,
       count(*) FILTER (WHERE a.merged_into IS NULL AND a.channel = 'email')::int AS ch_email,
       count(*) FILTER (WHERE a.merged_into IS NULL AND a.channel = 'letter')::int AS ch_letter,
       count(*) FILTER (WHERE a.merged_into IS NULL AND a.channel = 'email_and_letter')::int AS ch_email_and_letter,
       count(*) FILTER (WHERE a.merged_into IS NULL AND a.channel = 'none')::int AS ch_none,
       count(*) FILTER (WHERE a.merged_into IS NULL AND a.channel IS NULL)::int AS ch_unplanned,
       count(*) FILTER (WHERE s.customer_id IS NOT NULL OR p.customer_id IS NOT NULL)::int AS "notifiedDirectly",
       count(s.customer_id)::int AS "emailsSent",
       min(s.sent_at) AS "firstEmailAt",
       count(p.customer_id)::int AS "lettersPosted",
       to_char(min(p.posted_on), 'YYYY-MM-DD') AS "firstLetterOn"
     FROM affected_customers a
     LEFT JOIN sent s ON s.customer_id = a.customer_id
     LEFT JOIN posted p ON p.customer_id = a.customer_id
     WHERE a.incident_id = $1
     GROUP BY a.jurisdiction ORDER BY a.jurisdiction`,
    [incidentId],
  );
  return rows.map((r) => {
    const byChannel: Record<string, number> = {};
    for (const channel of ['email', 'letter', 'email_and_letter', 'none', 'unplanned']) {
      const n = r[`ch_${channel}`] ?? 0;
      if (n > 0) byChannel[channel] = n;
    }
    return {
      jurisdiction: r.jurisdiction,
      records: r.records,
      people: r.people,
      byChannel,
      notifiedDirectly: r.notifiedDirectly,
      emailsSent: r.emailsSent,
      firstEmailAt: r.firstEmailAt,
      lettersPosted: r.lettersPosted,
      firstLetterOn: r.firstLetterOn,
    };
  });
}
