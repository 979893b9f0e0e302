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
  emailsSent: number;
  firstEmailAt: Date | null;
  lettersPosted: number;
  firstLetterOn: string | null;
}

export async function distribution(db: Queryable, incidentId: string): Promise<NoticeDistribution> {
  const [channels, sent] = await Promise.all([
    db.query<{ channel: string; n: number }>(
      `SELECT coalesce(channel, 'unplanned') AS channel, count(*)::int AS n
       FROM affected_customers WHERE incident_id = $1 AND merged_into IS NULL GROUP BY 1 ORDER BY 1`,
      [incidentId],
    ),
    db.query<{ emailsSent: number; firstEmailAt: Date | null; lettersPosted: number; firstLetterOn: string | null }>(
      `SELECT
         (SELECT count(*)::int FROM deliveries WHERE incident_id = $1 AND status = 'sent') AS "emailsSent",
         (SELECT min(sent_at) FROM deliveries WHERE incident_id = $1 AND status = 'sent') AS "firstEmailAt",
         (SELECT count(*)::int FROM letters WHERE incident_id = $1 AND posted_on IS NOT NULL) AS "lettersPosted",
         (SELECT to_char(min(posted_on), 'YYYY-MM-DD') FROM letters WHERE incident_id = $1) AS "firstLetterOn"`,
      [incidentId],
    ),
  ]);
  const row = sent.rows[0]!;
  return { byChannel: Object.fromEntries(channels.rows.map((r) => [r.channel, r.n])), ...row };
}
