// Printed letters at scale: `npx tsx bench/letters.ts [--people 100000] [--rounds 2] [--resume-people 3000]
// [--kinds product,ceiling]`
//
// Starts its own PostgreSQL (embedded, fsync on), imports `--people` customers reachable only by
// post, opens an incident on them, plans their channels and approves its notice (the product's use
// cases, as the workflow leaves an incident before its letters), then measures in child processes
// of their own (so each peak RSS is that process's, from /proc/self/status VmHWM):
//
// - product: the letter workflow's three steps as its activities run them — `openLetterBatch`,
//   `renderLetterFile` for each file of 1,000 (read by keyset, page tokens issued, rendered from the
//   approved snapshot, laid out, numbered, hashed, renamed into place and recorded), then
//   `finishLetterBatch` (manifest + SHA256SUMS, batch ready);
// - ceiling: a plain pdfkit loop writing the same letters (same recipients read in the same pages,
//   same notice text from the same templates, same embedded fonts), 1,000 to a file, with nothing
//   else: no layout beyond the text, no page numbers, no database writes, no hashes, no manifest;
// - resume: a second incident of `--resume-people`, whose product run is killed (SIGKILL) once a
//   file is recorded and while the next renders, then run again to the end: every person must have
//   exactly one letter, in the manifest once, in files that `sha256sum -c` accepts.
//
// Product and ceiling run `--rounds` times each, on incidents of their own, in alternating order
// (the machine's other load falls on both alike); the table shows the sums.
//
// Prints a table; BENCH_KEEP=1 keeps the files in .data/bench-<pid>/. BENCH_RSS_TRACE=1 (with
// BENCH_CHILD_NODE_FLAGS='--expose-gc') prints the product's memory after each file.
import { execFileSync, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import PDFDocument from 'pdfkit';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { loadConfig } from '../core/config';
import type { Config } from '../core/config';
import * as letters from '../core/db/letters';
import { createPool } from '../core/db/pool';
import type { Pool } from '../core/db/pool';
import { noticeContextBuilder, personalise } from '../core/delivery/notice-message';
import * as incidents from '../core/db/incidents';
import * as notices from '../core/db/notices';
import {
  CHECKSUMS_NAME,
  LETTERS_PER_FILE,
  MANIFEST_NAME,
  batchDir,
  renderLetterFile,
} from '../core/letters/batch';
import { addressBlock, addresseeName } from '../core/letters/address';
import { letterFonts } from '../core/letters/pdf';
import { renderIndividualNotice } from '../core/mail/render';
import { TemplateCache } from '../core/mail/template-cache';
import { finishLetterBatch, openLetterBatch } from '../core/use-cases/letters';
import { newLetterIncident } from '../test/helpers/letters';
import { sleep } from './lib/incident';
import { startBenchServers, stopOnSignals } from './lib/servers';

const { values: args } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    'resume-people': { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '2' },
    // `--kinds ceiling` (or `product`) runs one side only: two benches started together on a shared
    // machine then measure both sides under the same load at the same time.
    kinds: { type: 'string', default: 'product,ceiling' },
    child: { type: 'string' },
    db: { type: 'string' },
    incident: { type: 'string' },
    dir: { type: 'string' },
    key: { type: 'string' },
  },
});

const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const peakRssMb = () =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

function configFor(url: string, dir: string): Readonly<Config> {
  return loadConfig({
    ...process.env,
    DATABASE_URL: url,
    FORTHRIGHT_DATA_DIR: dir,
    LETTERS_DIR: join(dir, 'letters'),
    LOG_LEVEL: 'silent',
  });
}

interface ChildResult {
  letters: number;
  seconds: number;
  peakRssMb: number;
  files: number;
}

// --- The children -------------------------------------------------------------------------------

/** The product's path: the workflow's activities, in order, in this process. */
async function productRun(
  pool: Pool,
  config: Readonly<Config>,
  incidentId: string,
  key: string,
): Promise<ChildResult> {
  const deps = { pool, templates: new TemplateCache(pool), config };
  const started = performance.now();
  const opened = await openLetterBatch(deps, { incidentId, key });
  if (!opened) throw new Error('nobody waits for a letter');
  for (let fileNo = 1; fileNo <= opened.files; fileNo++) {
    await renderLetterFile(deps, { batchId: opened.batchId, fileNo });
    // BENCH_RSS_TRACE=1 prints the memory after each file (with --expose-gc in BENCH_CHILD_NODE_FLAGS, after a full GC).
    if (process.env.BENCH_RSS_TRACE) {
      (globalThis as { gc?: () => void }).gc?.();
      const m = process.memoryUsage();
      console.error(
        `file ${fileNo}: rss ${(m.rss / 2 ** 20).toFixed(0)} MB, heap ${(m.heapUsed / 2 ** 20).toFixed(0)} MB`,
      );
    }
  }
  const done = await finishLetterBatch(deps, opened.batchId);
  return {
    letters: done.letters,
    seconds: (performance.now() - started) / 1000,
    peakRssMb: peakRssMb(),
    files: opened.files,
  };
}

/** The ceiling: the same letters through a plain pdfkit loop, 1,000 to a file. */
async function ceilingRun(
  pool: Pool,
  config: Readonly<Config>,
  incidentId: string,
  dir: string,
): Promise<ChildResult> {
  // The same recipients in the same files as the product reads them: a batch of their own is opened
  // first (not timed), so the loop below reads exactly what renderLetterFile reads.
  const opened = (await openLetterBatch({ pool }, { incidentId, key: 'bench-ceiling' }))!;
  const started = performance.now();
  const incident = (await incidents.get(pool, incidentId))!;
  const notice = (await notices.listForIncident(pool, incidentId)).find((n) => n.status === 'approved')!;
  const templates = await new TemplateCache(pool).get(notice.templateVersion);
  const contextFor = noticeContextBuilder(notice, incident, config);
  const fonts = letterFonts();
  await mkdir(dir, { recursive: true });
  const batch = { id: opened.batchId, files: opened.files };
  let count = 0;
  for (let fileNo = 1; fileNo <= batch.files; fileNo++) {
    const doc = new PDFDocument({ size: 'A4', autoFirstPage: false });
    doc.registerFont('body', fonts.regular as string);
    const out = createWriteStream(join(dir, `ceiling-${fileNo}.pdf`));
    doc.pipe(out);
    let after = 0;
    for (;;) {
      const page = await letters.fileLetters(pool, batch.id, fileNo, { after, limit: 250 });
      if (page.length === 0) break;
      for (const r of page) {
        const mail = renderIndividualNotice(templates, personalise(contextFor(r), r, 'x'.repeat(64)));
        doc.addPage().font('body').fontSize(9);
        doc.text(
          addressBlock(addresseeName(r), r.letterAddress, config.letters.homeCountry).join('\n'),
          70,
          165,
        );
        doc.fontSize(10).text(mail.text, 70, 285, { width: 470 });
        count++;
      }
      after = page.at(-1)!.customerId;
    }
    doc.end();
    await finished(out);
  }
  return {
    letters: count,
    seconds: (performance.now() - started) / 1000,
    peakRssMb: peakRssMb(),
    files: batch.files,
  };
}

async function child(kind: string): Promise<void> {
  const pool = createPool(args.db!, 4);
  try {
    const config = configFor(args.db!, args.dir!);
    const result =
      kind === 'ceiling'
        ? await ceilingRun(pool, config, args.incident!, join(args.dir!, 'ceiling'))
        : await productRun(pool, config, args.incident!, args.key!);
    process.send!(result);
  } finally {
    await pool.end();
  }
}

/** Runs a child; resolves with its result, or null when it was killed by `killWhen`. */
function runChild(
  kind: 'product' | 'ceiling',
  env: { db: string; incident: string; dir: string; key: string },
  killWhen?: () => Promise<boolean>,
): Promise<ChildResult | null> {
  return new Promise((resolve, reject) => {
    const proc = fork(
      new URL(import.meta.url).pathname,
      ['--child', kind, '--db', env.db, '--incident', env.incident, '--dir', env.dir, '--key', env.key],
      {
        // BENCH_CHILD_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the children.
        execArgv: [
          '--import',
          'tsx',
          ...(process.env.BENCH_CHILD_NODE_FLAGS ?? '').split(' ').filter(Boolean),
        ],
      },
    );
    let result: ChildResult | null = null;
    let killed = false;
    proc.on('message', (m) => (result = m as ChildResult));
    proc.on('exit', (code) =>
      code === 0 || killed ? resolve(result) : reject(new Error(`${kind} exited ${code}`)),
    );
    if (killWhen) {
      const poll = async () => {
        while (proc.exitCode === null && !killed) {
          if (await killWhen()) {
            killed = true;
            proc.kill('SIGKILL');
            return;
          }
          await sleep(50);
        }
      };
      void poll();
    }
  });
}

// --- The parent ---------------------------------------------------------------------------------

async function main(): Promise<void> {
  const people = Number(args.people);
  const resumePeople = Number(args['resume-people']);
  const servers = await startBenchServers({ temporal: false, smtp: false });
  stopOnSignals(servers.stop);
  try {
    const url = await servers.createDatabase('letters');
    const pool = createPool(url, 4);
    const config = configFor(url, servers.dir);
    const deps = { pool, templates: new TemplateCache(pool), config };
    try {
      const make = async (n: number, prefix: string, title: string) => {
        log(`importing ${n.toLocaleString('en-US')} customers reachable by post, planning, approving…`);
        const all = Array.from({ length: n }, (_, i) => ({
          externalId: `${prefix}${String(i).padStart(7, '0')}`,
          // One in ten in Greek letters: the embedded font's glyphs are part of the work.
          fullName: i % 10 === 0 ? `Ζωή Παπαδοπούλου ${i}` : `Person ${prefix}${i}`,
          locale: ['en', 'es', 'fr', 'de'][i % 4]!,
        }));
        // Each incident on a system of its own, so the second does not take in the first's people.
        return (await newLetterIncident(deps, all, { title, system: `letters-${prefix}` })).incidentId;
      };
      // Rounds of one product run and one ceiling run, each on an incident of its own, in alternating
      // order (product first, then ceiling first…), so that load from elsewhere on the machine
      // falls on both alike; the figures are the sums.
      const rounds = Number(args.rounds);
      const kinds = args.kinds.split(',');
      const incidentsFor: { product: string; ceiling: string }[] = [];
      for (let r = 0; r < rounds; r++) {
        incidentsFor.push({
          product: kinds.includes('product')
            ? await make(people, `P${r}-`, `Letters benchmark, product round ${r + 1}`)
            : '',
          ceiling: kinds.includes('ceiling')
            ? await make(people, `C${r}-`, `Letters benchmark, ceiling round ${r + 1}`)
            : '',
        });
      }
      const resumeIncidentId = await make(resumePeople, 'R', 'Letters benchmark: kill and resume');
      const env = { db: url, incident: '', dir: servers.dir, key: 'bench' };
      const sum = (a: ChildResult | null, b: ChildResult): ChildResult =>
        a === null
          ? b
          : {
              letters: a.letters + b.letters,
              seconds: a.seconds + b.seconds,
              peakRssMb: Math.max(a.peakRssMb, b.peakRssMb),
              files: a.files + b.files,
            };
      let product: ChildResult | null = null;
      let ceiling: ChildResult | null = null;
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? (['product', 'ceiling'] as const) : (['ceiling', 'product'] as const);
        for (const kind of order.filter((k) => kinds.includes(k))) {
          log(`round ${r + 1}, ${kind}: ${people.toLocaleString('en-US')} letters…`);
          const result = (await runChild(kind, { ...env, incident: incidentsFor[r]![kind] }))!;
          log(
            `  ${(result.letters / result.seconds).toFixed(0)} letters/s, peak RSS ${result.peakRssMb.toFixed(0)} MB`,
          );
          if (kind === 'product') product = sum(product, result);
          else ceiling = sum(ceiling, result);
        }
      }
      if (!product && !ceiling) throw new Error('no rounds');

      log(`resume: ${resumePeople.toLocaleString('en-US')} letters, killed after a file, run again…`);
      const resumeEnv = { ...env, incident: resumeIncidentId, key: 'bench-resume' };
      const filesRecorded = async () =>
        (
          await pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM letter_files f JOIN letter_batches b ON b.id = f.batch_id WHERE b.incident_id = $1`,
            [resumeIncidentId],
          )
        ).rows[0]!.n;
      const first = await runChild('product', resumeEnv, async () => (await filesRecorded()) >= 1);
      const afterKill = await filesRecorded();
      const second = (await runChild('product', resumeEnv))!;
      const { rows: dupes } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (SELECT customer_id FROM letters WHERE incident_id = $1
         GROUP BY customer_id HAVING count(*) > 1) d`,
        [resumeIncidentId],
      );
      const batch = (await letters.listBatches(pool, resumeIncidentId))[0]!;
      // Everyone of that incident a letter must reach (its systems hold the first incident's people too).
      const { rows: waitingRows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM affected_customers WHERE incident_id = $1 AND channel = 'letter'`,
        [resumeIncidentId],
      );
      const waiting = waitingRows[0]!.n;
      const dir = batchDir(config, batch);
      const manifest = readFileSync(join(dir, MANIFEST_NAME), 'utf8').trim().split('\n').slice(1);
      const references = new Set(manifest.map((l) => l.split(',')[0]));
      execFileSync('sha256sum', ['-c', '--quiet', CHECKSUMS_NAME], { cwd: dir });

      const rate = (r: ChildResult) => r.letters / r.seconds;
      const row = (name: string, r: ChildResult | null): [string, string, string, string, string][] =>
        r === null
          ? []
          : [
              [
                name,
                r.letters.toLocaleString('en-US'),
                r.seconds.toFixed(1),
                rate(r).toFixed(0),
                `${r.peakRssMb.toFixed(0)} MB`,
              ],
            ];
      const table: [string, string, string, string, string][] = [
        ['scenario', 'letters', 'seconds', 'letters/s', 'peak RSS'],
        ...row('Forthright (open → files → manifest)', product),
        ...row('ceiling: plain pdfkit loop', ceiling),
      ];
      const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
      console.log();
      console.log(
        `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}`,
      );
      console.log(
        `files of ${LETTERS_PER_FILE} letters: ${(product ?? ceiling)!.files}; fonts embedded: ${letterFonts().embedded}`,
      );
      for (const r of table)
        console.log(r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  '));
      console.log();
      if (product && ceiling) {
        console.log(
          `product / ceiling: ${((rate(product) / rate(ceiling)) * 100).toFixed(0)} %  (target ≥ 50 %)`,
        );
      }
      if (product) {
        console.log(`product peak RSS:  ${product.peakRssMb.toFixed(0)} MB  (target < 400 MB)`);
      }
      console.log(
        `resume: killed ${first === null ? 'after' : 'never (finished first!) after'} ${afterKill} file(s); ` +
          `rerun ${second.letters} letters in ${second.seconds.toFixed(1)} s; letters twice: ${dupes[0]!.n}; ` +
          `manifest rows ${manifest.length}, distinct references ${references.size}, of ${waiting} waiting; sha256sum -c: OK`,
      );
      if (dupes[0]!.n !== 0 || references.size !== waiting || manifest.length !== waiting) {
        throw new Error('resume check failed');
      }
    } finally {
      await pool.end();
    }
  } finally {
    await servers.stop();
  }
}

if (args.child) {
  child(args.child).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
