import type { Queryable } from './pool';

/**
 * What a filing packet quotes of an incident's people, as counts only (core/use-cases/packets.ts):
 * no person's data reaches a packet. The packets themselves are notices (core/db/notices.ts,
 * audience `filing_packet`).
 */

export interface PacketCounts {
  /** People affected: one per person after records of one person were merged. */
  people: number;
  /** Records concerned: every affected record, merged or not. */
  records: number;
}

/**
 * The incident's people and records; with `jurisdictions`, the records there only (the people
 * stay the incident's: a packet quotes the statute's own count beside them).
 */
export async function counts(
  db: Queryable,
  incidentId: string,
  jurisdictions: readonly string[] | null = null,
): Promise<PacketCounts> {
  const { rows } = await db.query<PacketCounts>(
    `SELECT count(*) FILTER (WHERE merged_into IS NULL)::int AS people,
            count(*) FILTER (WHERE $2::text[] IS NULL OR jurisdiction = ANY($2))::int AS records
     FROM affected_customers WHERE incident_id = $1`,
    [incidentId, jurisdictions],
  );
  return rows[0] ?? { people: 0, records: 0 };
}

/** How the individuals' notices go out: planned channels, and what was actually sent or posted. */
export interface NoticeDistribution {
  /** People by planned channel ('email', 'letter', 'email_and_letter', 'none', 'unplanned'). */
  byChannel: Record<string, number>;
  /** People sent their notice directly: an email the relay accepted or a letter posted. */
  notifiedDirectly: number;
  emailsSent: number;
  firstEmailAt: Date | null;
  lettersPosted: number;
  firstLetterOn: string | null;
}

/** The distribution among the people of `jurisdictions` (null: everyone affected). */
export async function distribution(
  db: Queryable,
  incidentId: string,
  jurisdictions: readonly string[] | null = null,
): Promise<NoticeDistribution> {
  const { rows } = await db.query<{
    byChannel: Record<string, number> | null;
    notifiedDirectly: number;
    emailsSent: number;
    firstEmailAt: Date | null;
    lettersPosted: number;
    firstLetterOn: string | null;
  }>(
    `WITH people AS (
       SELECT customer_id, coalesce(channel, 'unplanned') AS channel FROM affected_customers
       WHERE incident_id = $1 AND merged_into IS NULL AND ($2::text[] IS NULL OR jurisdiction = ANY($2))
     ),
     sent AS (
       SELECT d.customer_id, d.sent_at FROM deliveries d JOIN people p USING (customer_id)
       WHERE d.incident_id = $1 AND d.status = 'sent'
     ),
     posted AS (
       SELECT l.customer_id, l.posted_on FROM letters l JOIN people p USING (customer_id)
       WHERE l.incident_id = $1 AND l.posted_on IS NOT NULL
     )
     SELECT
       (SELECT jsonb_object_agg(channel, n) FROM (SELECT channel, count(*)::int AS n FROM people GROUP BY 1) c)
         AS "byChannel",
       (SELECT count(*)::int FROM (SELECT customer_id FROM sent UNION SELECT customer_id FROM posted) x)
         AS "notifiedDirectly",
       (SELECT count(*)::int FROM sent) AS "emailsSent",
       (SELECT min(sent_at) FROM sent) AS "firstEmailAt",
       (SELECT count(*)::int FROM posted) AS "lettersPosted",
       (SELECT to_char(min(posted_on), 'YYYY-MM-DD') FROM posted) AS "firstLetterOn"`,
    [incidentId, jurisdictions],
  );
  const row = rows[0]!;
  return { ...row, byChannel: row.byChannel ?? {} };
}
