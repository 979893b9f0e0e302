import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { WORKER_NODE_FLAGS } from '../worker/node-flags';

// docker-compose.yml cannot be run here (no Docker on CI), so these checks keep it honest: it
// parses, names the services the README promises, wires the worker and API to them, and every
// variable it or core/config.ts reads is documented in .env.example.

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const read = (path: string) => readFileSync(root(path), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}
// Compose resolves YAML merge keys (<<), as the yaml package does with merge: true.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const envExample = read('.env.example');
const documented = new Set([...envExample.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));

describe('docker-compose.yml', () => {
  it('names Temporal, its UI, PostgreSQL, a mail catcher, the worker and the API', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['temporal', 'temporal-ui', 'postgresql', 'mailcatcher', 'worker', 'api']),
    );
    expect(compose.services.temporal?.image).toMatch(/^temporalio\//);
    expect(compose.services['temporal-ui']?.image).toMatch(/^temporalio\/ui/);
    expect(compose.services.postgresql?.image).toMatch(/^postgres/);
    expect(compose.services.mailcatcher?.image).toMatch(/maildev/);
  });

  it('builds the worker and the API from the Dockerfile and runs their entry points', () => {
    for (const [name, entry] of [
      ['worker', 'worker/main.ts'],
      ['api', 'api/main.ts'],
    ] as const) {
      const service = compose.services[name]!;
      expect(service.build, name).toBe('.');
      expect(service.command, name).toContain(entry);
    }
    expect(read('Dockerfile')).toMatch(/^FROM node:22-slim/m);
  });

  it('starts the worker with the Node flags that keep its memory flat (worker/node-flags.ts), before its entry', () => {
    const command = compose.services.worker!.command!;
    expect(WORKER_NODE_FLAGS.length).toBeGreaterThan(0);
    for (const flag of WORKER_NODE_FLAGS) {
      expect(command, flag).toContain(flag);
      // Node reads its own flags only before the script.
      expect(command.indexOf(flag), flag).toBeLessThan(command.indexOf('worker/main.ts'));
    }
  });

  it('publishes the Temporal UI on loopback only, read-only, and not the Temporal frontend', () => {
    const ui = compose.services['temporal-ui'] as Service & { ports?: string[] };
    expect(ui.environment?.TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('true');
    expect(ui.ports?.length).toBeGreaterThan(0);
    for (const port of ui.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    expect((compose.services.temporal as { ports?: unknown }).ports).toBeUndefined();
  });

  it('gives the worker and the API the database, Temporal and SMTP addresses of the other services', () => {
    for (const name of ['worker', 'api']) {
      const env = compose.services[name]!.environment!;
      expect(env.DATABASE_URL, name).toMatch(/^postgres:\/\/[^@]+@postgresql:5432\//);
      expect(env.TEMPORAL_ADDRESS, name).toBe('temporal:7233');
      expect(env.SMTP_URL, name).toBe('smtp://mailcatcher:1025');
      expect(compose.services[name]!.depends_on?.temporal?.condition, name).toBe('service_healthy');
    }
  });

  it('migrates once, in a one-shot service that the worker and the API wait for', () => {
    const migrate = compose.services.migrate!;
    expect(migrate.command).toContain('scripts/migrate.ts');
    for (const name of ['setup', 'worker', 'api']) {
      expect(compose.services[name]!.depends_on?.migrate?.condition, name).toBe(
        'service_completed_successfully',
      );
    }
    // The services themselves only wait for the schema (core/db/migrate.ts waitForSchema).
    for (const entry of ['api/main.ts', 'worker/main.ts']) {
      expect(read(entry), entry).not.toMatch(/\bmigrate\(/);
      expect(read(entry), entry).toMatch(/\bwaitForSchema\(/);
    }
  });

  it('reads only variables that .env.example documents', () => {
    const used = [...read('docker-compose.yml').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((v) => !documented.has(v))).toEqual([]);
  });
});

describe('.env.example', () => {
  it('documents every variable core/config.ts reads', () => {
    const schema = read('core/config.ts').split('const EnvFields = z.object({')[1]!.split('\n});')[0]!;
    const variables = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
    expect(variables).toContain('DATABASE_URL');
    expect(variables.filter((v) => !documented.has(v))).toEqual([]);
  });
});
