import { readFileSync, readdirSync } from 'node:fs';

/*
 * CPU time of the bench's processes, from /proc: one reader for every bench. Where a notice's CPU
 * goes — the workers, PostgreSQL (postmaster and backends), the Temporal server's processes, the
 * counting SMTP server, the ceiling's senders: on two cores that all of them share, the rate is set
 * by their sum per notice, not by the worker's alone.
 *
 * A process's reading includes the children it has waited for (cutime, cstime), so a PostgreSQL
 * backend that ended between two readings still counts, in its postmaster's. Readings are taken
 * while the processes measured are alive: one that has exited reads 0.
 */

export type ProcessKind = 'worker' | 'postgres' | 'temporal' | 'smtp' | 'ceiling' | 'bench';

/** CPU seconds by kind. */
export type CpuByKind = Record<ProcessKind, number>;

/** USER_HZ, the unit of the times in /proc/<pid>/stat: 100 on Linux. */
const TICKS_PER_SECOND = 100;

/** The fields after the command name (which may itself hold spaces and parentheses); null once gone. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** utime + stime (fields 14, 15 of the line), and with `waitedChildren` cutime + cstime (16, 17). */
const secondsOf = (fields: string[], waitedChildren: boolean) =>
  (Number(fields[11]) + Number(fields[12]) + (waitedChildren ? Number(fields[13]) + Number(fields[14]) : 0)) /
  TICKS_PER_SECOND;

/** CPU seconds of a process and of the children it has waited for; 0 once it has exited. */
export function cpuSecondsOf(pid: number): number {
  const fields = statFields(pid);
  return fields ? secondsOf(fields, true) : 0;
}

/** CPU seconds so far of `root` (this process: 'bench') and every process below it, by kind. */
export function cpuByKind(root: number = process.pid): CpuByKind {
  const fields = new Map<number, string[]>();
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const f = statFields(pid);
    if (!f) continue;
    fields.set(pid, f);
    const parent = Number(f[1]);
    const siblings = children.get(parent);
    if (siblings) siblings.push(pid);
    else children.set(parent, [pid]);
  }
  const total: CpuByKind = { worker: 0, postgres: 0, temporal: 0, smtp: 0, ceiling: 0, bench: 0 };
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    const f = fields.get(pid);
    if (f) {
      // The root's own time only: the children it waited for are counted by kind while they run.
      const kind = pid === root ? 'bench' : classify(readCommandLine(pid));
      if (kind) total[kind] += secondsOf(f, pid !== root);
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

function readCommandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/**
 * By the program (argv[0]) for the servers — a PostgreSQL backend's reads "postgres: <user> <database>
 * …", and the Temporal server's databases are on the same PostgreSQL — and by the script for Node.
 */
function classify(argv: string[]): ProcessKind | null {
  const program = argv[0] ?? '';
  if (/(^|\/)postgres(:|$)/.test(program)) return 'postgres';
  if (/temporal/.test(program)) return 'temporal';
  const command = argv.join(' ');
  if (/worker\/main\.ts|naive\/worker\.ts/.test(command)) return 'worker';
  if (/ceiling\.ts/.test(command)) return 'ceiling';
  if (/counting-smtp/.test(command)) return 'smtp';
  return null;
}

/** CPU between two readings, in milliseconds per notice, as the table prints it. */
export function cpuPerNotice(before: CpuByKind, after: CpuByKind, notices: number): string {
  const ms = (kind: ProcessKind) => ((after[kind] - before[kind]) * 1000) / notices;
  const parts: string[] = [];
  for (const [kind, label] of [
    ['worker', 'worker'],
    ['ceiling', 'senders'],
    ['postgres', 'PostgreSQL'],
    ['temporal', 'Temporal'],
    ['smtp', 'SMTP server'],
  ] as const) {
    // Kinds with next to nothing (PostgreSQL idling while the ceiling sends) are left out.
    if (ms(kind) >= 0.005) parts.push(`${label} ${ms(kind).toFixed(2)}`);
  }
  return `CPU ms/notice: ${parts.join(', ')}`;
}
