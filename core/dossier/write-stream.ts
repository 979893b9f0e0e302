import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/**
 * Writes to a file stream, waiting when its buffer is full: a dossier of a million delivery rows
 * goes to disk as it is produced, never piles up in memory.
 */
export async function writeChunk(out: Writable, chunk: string | Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Ends the stream and waits until everything is on disk (or throws its error). */
export async function endStream(out: Writable): Promise<void> {
  out.end();
  await finished(out);
}
