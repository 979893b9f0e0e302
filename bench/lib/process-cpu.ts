import { readFileSync, readdirSync } from 'node:fs';

/*
 * Where a notice's CPU goes: the CPU time of every process the bench started, by kind — the
 * workers, PostgreSQL (postmaster and backends), the Temporal server's processes, the counting SMTP
 * server, the ceiling's senders — read from /proc. On two cores that all of them share, the rate
 * is set by their sum per notice, not by the worker's alone.
 *
 * Processes are sampled every second and each one's last reading is kept, so a backend that exits
 * between two samples still counts up to the last one (it loses under a second of its CPU).
 */

export type ProcessKind = 'worker' | 'postgres' | 'temporal' | 'smtp' | 'ceiling' | 'bench';

/** CPU seconds by kind. */
export type CpuByKind = Record<ProcessKind, number>;

/** USER_HZ, the unit of utime and stime in /proc/<pid>/stat: 100 on Linux. */
const TICKS_PER_SECOND = 100;

const KINDS: readonly ProcessKind[] = ['worker', 'postgres', 'temporal', 'smtp', 'ceiling', 'bench'];

export class ProcessCpu {
  /** Last reading per process, keyed by pid and start time (a pid can be reused). */
  private readonly readings = new Map<string, { kind: ProcessKind; ticks: number }>();
  private readonly kinds = new Map<string, ProcessKind | null>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly root = process.pid) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 1_000);
    this.timer.unref();
  }

  /** CPU seconds so far, by kind, of the bench's processes and their descendants. */
  seconds(): CpuByKind {
    this.sample();
    const total = Object.fromEntries(KINDS.map((k) => [k, 0])) as CpuByKind;
    for (const { kind, ticks } of this.readings.values()) total[kind] += ticks / TICKS_PER_SECOND;
    return total;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    const stats = new Map<number, string[]>();
    const children = new Map<number, number[]>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      // The fields after the command name, which may itself hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(pid, fields);
      const parent = Number(fields[1]);
      const siblings = children.get(parent);
      if (siblings) siblings.push(pid);
      else children.set(parent, [pid]);
    }
    const stack = [this.root];
    while (stack.length > 0) {
      const pid = stack.pop()!;
      const fields = stats.get(pid);
      if (fields) {
        // utime and stime are fields 14 and 15 of the line, start time field 22.
        const key = `${pid}:${fields[19]}`;
        const kind = this.kindOf(key, pid);
        if (kind) this.readings.set(key, { kind, ticks: Number(fields[11]) + Number(fields[12]) });
      }
      stack.push(...(children.get(pid) ?? []));
    }
  }

  private kindOf(key: string, pid: number): ProcessKind | null {
    let kind = this.kinds.get(key);
    if (kind === undefined) {
      kind = pid === this.root ? 'bench' : classify(readCommandLine(pid));
      this.kinds.set(key, kind);
    }
    return kind;
  }
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
