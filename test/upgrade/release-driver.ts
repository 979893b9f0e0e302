// `node --import tsx test/upgrade/release-driver.ts <release dir> <command> [args]`: acts as an
// extracted release's own API would, with that release's code (its use cases and Temporal client,
// imported from <release dir>), so test/upgrade/previous-release.test.ts can open and decide an
// incident as the previous release did. Configuration comes from the environment, as for its
// worker. Prints one JSON line with the result.
//
// Commands:
//   migrate                 the release's own migrations on DATABASE_URL
//   open <system> <prefix> <people>   staff; <people> customers held by <system> (emails
//                                     <prefix><n>@example.com) and two held elsewhere; an incident
//                                     on <system>; its workflow
//   reject|approve <incidentId>       compliance decides on the notice waiting for a decision
//   revise <incidentId>               the officer revises the wording (a new version awaits a decision)
//
// The release's modules are imported by path and typed here only as far as this driver uses them:
// they are another version's code, not this tree's. When the previous release changes, check these
// few signatures against it.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [releaseDir, command, arg, ...rest] = process.argv.slice(2);
if (!releaseDir || !command) {
  console.error('usage: release-driver.ts <release dir> <migrate|open|reject|approve|revise> [args]');
  process.exit(2);
}
const load = <T>(path: string): Promise<T> =>
  import(pathToFileURL(join(releaseDir, path)).href) as Promise<T>;

type Actor = { id: string; role: string };
type Pool = { end(): Promise<void> };
interface Release {
  config: { loadConfig(): { database: { url: string; poolSize: number } } };
  migrate: { migrate(url: string): Promise<void> };
  pool: { createPool(url: string, size: number): Pool };
  users: {
    issueUserToken(
      deps: { pool: Pool },
      actor: Actor,
      input: { email: string; displayName: string; role: string },
    ): Promise<{ user: { id: string; role: string } }>;
  };
  inventory: {
    importCustomers(deps: { pool: Pool }, rows: object[]): Promise<unknown>;
    importHoldings(deps: { pool: Pool }, rows: object[]): Promise<unknown>;
  };
  incidents: {
    openIncident(
      deps: { pool: Pool },
      actor: Actor,
      input: object,
    ): Promise<{ incident: { id: string; openedBy: string } }>;
  };
  notices: {
    listForIncident(
      pool: Pool,
      incidentId: string,
    ): Promise<{ id: string; status: string; contentHash: string; version: number }[]>;
  };
  temporal: {
    createTemporalClient(config: unknown): Promise<{ connection: { close(): Promise<void> } }>;
    startIncidentWorkflow(deps: object, incident: { id: string; openedBy: string }): Promise<void>;
    decideNotice(deps: object, actor: Actor, input: object): Promise<{ status: string }>;
    reviseNotice(temporal: unknown, workflowId: string, input: object): Promise<{ version: number }>;
  };
  ids: { incidentWorkflowId(incidentId: string): string };
}

const release: Release = {
  config: await load('core/config.ts'),
  migrate: await load('core/db/migrate.ts'),
  pool: await load('core/db/pool.ts'),
  users: await load('core/use-cases/users.ts'),
  inventory: await load('core/use-cases/inventory.ts'),
  incidents: await load('core/use-cases/incidents.ts'),
  notices: await load('core/db/notices.ts'),
  temporal: await load('api/temporal-client.ts'),
  ids: await load('core/domain/ids.ts'),
};

const SYSTEM: Actor = { id: 'system', role: 'admin' };
const config = release.config.loadConfig();
const print = (value: object) => console.log(JSON.stringify(value));

if (command === 'migrate') {
  await release.migrate.migrate(config.database.url);
  print({ migrated: true });
  process.exit(0);
}

const pool = release.pool.createPool(config.database.url, 2);
const temporal = await release.temporal.createTemporalClient(config);
const staff = (role: string) =>
  release.users.issueUserToken({ pool }, SYSTEM, {
    email: `${role}@staff.example.com`,
    displayName: `Upgrade ${role}`,
    role,
  });
const pending = async (incidentId: string) => {
  const found = (await release.notices.listForIncident(pool, incidentId)).find(
    (n) => n.status === 'pending_approval',
  );
  if (!found) throw new Error(`incident ${incidentId} has no notice waiting for a decision`);
  return found;
};
try {
  if (command === 'open' && arg && rest.length === 2) {
    const [prefix, count] = rest as [string, string];
    const people = Number(count);
    const customers = Array.from({ length: people + 2 }, (_, i) => ({
      externalId: `${prefix}${i}`,
      fullName: `Upgrade Person ${prefix}${i}`,
      email: `${prefix}${i}@example.com`,
      locale: 'en',
      country: 'US',
      region: 'US-CA',
      electronicConsent: { at: '2020-01-01T00:00:00Z', method: 'test fixture' },
    }));
    await release.inventory.importCustomers({ pool }, customers);
    // The last two are held by a system the incident does not touch: never notified.
    await release.inventory.importHoldings(
      { pool },
      customers.map((c, i) => ({
        customerExternalId: c.externalId,
        system: i < people ? arg : 'analytics',
        categories: ['name', 'email'],
        from: '2025-01-01T00:00:00Z',
      })),
    );
    const { user: officer } = await staff('officer');
    const { incident } = await release.incidents.openIncident(
      { pool },
      { id: officer.id, role: officer.role },
      {
        title: `Upgrade test incident on ${arg}`,
        description: 'Opened by the previous release, finished by this one.',
        discoveredAt: new Date(Date.now() - 3_600_000),
        occurredFrom: new Date('2025-06-01T00:00:00Z'),
        systems: [arg],
        dataCategories: ['email'],
      },
    );
    await release.temporal.startIncidentWorkflow({ temporal, config }, incident);
    print({ incidentId: incident.id });
  } else if ((command === 'reject' || command === 'approve') && arg) {
    const { user } = await staff('compliance');
    const notice = await pending(arg);
    const result = await release.temporal.decideNotice(
      { temporal, config, pool },
      { id: user.id, role: user.role },
      {
        incidentId: arg,
        workflowId: release.ids.incidentWorkflowId(arg),
        noticeId: notice.id,
        contentHash: notice.contentHash,
        decision: command,
        comment: command === 'reject' ? 'Say what we are doing about it.' : null,
      },
    );
    print(result);
  } else if (command === 'revise' && arg) {
    const { user } = await staff('officer');
    const result = await release.temporal.reviseNotice(temporal, release.ids.incidentWorkflowId(arg), {
      whatHappened: 'A copy of the customer table was reachable without a password.',
      whatWeAreDoing: 'We closed the share and are reviewing who opened it.',
      actorId: user.id,
      actorRole: user.role,
    });
    print(result);
  } else {
    throw new Error(`unknown command ${command}`);
  }
} finally {
  await temporal.connection.close();
  await pool.end();
}
