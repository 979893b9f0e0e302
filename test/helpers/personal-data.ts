/**
 * The check behind "no personal data in any log" (test/e2e/no-personal-data-in-logs.test.ts): every
 * place a seeded value occurs in some log text, in any of the forms a log could carry it — as
 * written, JSON-escaped, URL-encoded (`%40`, `+`), HTML-escaped — case-insensitively. A log that
 * holds a value only in a form not listed here would slip through; the forms are the ones pino
 * (JSON), Fastify (URLs) and the templates (HTML) write.
 */

/** One value that must not be logged, with what it is (for the failure message). */
export interface Seeded {
  kind: 'name' | 'email' | 'postal address' | 'page token' | 'question';
  value: string;
}

export interface Finding extends Seeded {
  /** The log line it was found in (cut to 300 characters). */
  line: string;
}

/** Every line of `log` that holds a seeded value, with the value found. Empty: nothing leaked. */
export function findPersonalData(log: string, seeded: readonly Seeded[]): Finding[] {
  const findings: Finding[] = [];
  const lines = log.split('\n');
  for (const s of seeded) {
    const forms = formsOf(s.value);
    for (const line of lines) {
      const lower = line.toLowerCase();
      if (forms.some((f) => lower.includes(f))) {
        findings.push({ ...s, line: line.slice(0, 300) });
      }
    }
  }
  return findings;
}

function formsOf(value: string): string[] {
  const forms = new Set<string>([
    value,
    JSON.stringify(value).slice(1, -1),
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    value.replaceAll('&', '&amp;').replaceAll("'", '&#39;').replaceAll('"', '&quot;'),
  ]);
  return [...forms].map((f) => f.toLowerCase());
}

/** One line per finding, for an assertion's message. */
export function describeFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.kind} "${f.value}" in: ${f.line}`).join('\n');
}
