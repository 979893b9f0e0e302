import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { dataConverter } from '../../core/data-converter';
import { repoRoot } from './tools';

// @temporalio/proto is CommonJS: under plain Node ESM only its default export is importable.
const { temporal } = proto;

/**
 * The replay corpus: recorded histories of every course an incident can take, per release, under
 * test/workflows/histories/<release>/<course>/<workflowId>.<run>.json (one file per run of every
 * workflow the course started: the incident, its children, their continued-as-new runs).
 * scripts/record-workflow-histories.ts writes it; test/workflows/replay.test.ts replays it.
 */
export const HISTORIES_DIR = join(repoRoot, 'test', 'workflows', 'histories');

/**
 * The corpus is recorded through the project's own data converter (payloads AES-GCM encrypted, as in
 * production), so replaying it also proves today's codec still reads what a release wrote. Its key
 * is this published constant, not a secret: the corpus holds only stand-in ids and counts.
 */
export const REPLAY_CORPUS_KEY = createHash('sha256')
  .update('forthright replay corpus (not a secret)')
  .digest();

export function replayCorpusConverter(): DataConverter {
  return dataConverter(REPLAY_CORPUS_KEY);
}

export interface CorpusHistory {
  /** `<release>/<course>/<file>` relative to HISTORIES_DIR. */
  name: string;
  release: string;
  course: string;
  workflowId: string;
  /** The stored JSON (proto3 JSON of temporal.api.history.v1.History). */
  json: unknown;
}

/** The release folders of the corpus (test/workflows/histories/<release>/). */
export function corpusReleases(dir = HISTORIES_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
}

/** Every history of one release, in a stable order. */
export function corpusHistories(release: string, dir = HISTORIES_DIR): CorpusHistory[] {
  const releaseDir = join(dir, release);
  const out: CorpusHistory[] = [];
  for (const course of readdirSync(releaseDir).sort()) {
    const courseDir = join(releaseDir, course);
    if (!statSync(courseDir).isDirectory()) continue;
    for (const file of readdirSync(courseDir).sort()) {
      if (!file.endsWith('.json')) continue;
      out.push({
        name: relative(dir, join(courseDir, file)),
        release,
        course,
        // `<workflowId>.<run>.json`: the run number counts continue-as-new runs from 1.
        workflowId: file.replace(/\.\d+\.json$/, ''),
        json: JSON.parse(readFileSync(join(courseDir, file), 'utf8')) as unknown,
      });
    }
  }
  return out;
}

/**
 * A stored history as the proto the replayer takes. Built through @temporalio/proto rather than the
 * SDK's `historyFromJSON`, which npm's layout here gives a second copy of protobufjs that rejects
 * the first's types ("type must be a Type").
 */
export function historyOf(json: unknown): proto.temporal.api.history.v1.History {
  return temporal.api.history.v1.History.fromObject(json as object);
}
