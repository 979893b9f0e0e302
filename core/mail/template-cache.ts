import type { Pool } from '../db/pool';
import * as notices from '../db/notices';
import type { TemplateSet, TemplateSources } from './templates';
import { compileTemplates, loadTemplateSources, templateVersion } from './templates';

/**
 * Compiled template sets by version. Notices render from the snapshot stored when they were
 * drafted, so editing files under templates/ never changes a notice already approved.
 */
export class TemplateCache {
  private readonly compiled = new Map<string, Promise<TemplateSet>>();

  constructor(
    private readonly pool: Pool,
    private readonly templatesDir?: string,
  ) {}

  /** Snapshots the templates on disk now and returns their version. */
  async snapshotCurrent(): Promise<{ version: string; sources: TemplateSources }> {
    const sources = loadTemplateSources(this.templatesDir);
    const version = templateVersion(sources);
    await notices.saveTemplateSnapshot(this.pool, version, sources);
    return { version, sources };
  }

  get(version: string): Promise<TemplateSet> {
    let set = this.compiled.get(version);
    if (!set) {
      set = notices.loadTemplateSnapshot(this.pool, version).then((sources) => compileTemplates(sources));
      set.catch(() => this.compiled.delete(version));
      this.compiled.set(version, set);
    }
    return set;
  }
}
