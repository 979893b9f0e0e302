import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { decideNotice, startIncidentWorkflow } from '../../api/temporal-client';
import type { Config } from '../../core/config';
import * as affected from '../../core/db/affected';
import * as deliveries from '../../core/db/deliveries';
import type { Incident } from '../../core/db/incidents';
import type { CustomerInput, HoldingInput } from '../../core/db/inventory';
import type { Pool } from '../../core/db/pool';
import type { User } from '../../core/db/users';
import * as notices from '../../core/db/notices';
import * as obligations from '../../core/db/obligations';
import { incidentWorkflowId, noticeMessageId } from '../../core/domain/ids';
import type { PostalAddress } from '../../core/domain/contact';
import type { Role } from '../../core/domain/model';
import type { TemplateCache } from '../../core/mail/template-cache';
import { identifyAffectedCustomers, openIncident } from '../../core/use-cases/incidents';
import type { OpenIncidentInput } from '../../core/use-cases/incidents';
import { importCustomers, importHoldings } from '../../core/use-cases/inventory';
import { draftNotice, recordApproval } from '../../core/use-cases/notices';
import type { Actor } from '../../core/use-cases/types';
import { issueUserToken } from '../../core/use-cases/users';
import type { ApprovalResult } from '../../workflows/messages';

/**
 * Factories: the world a test or benchmark starts from, built through the product's own use cases
 * (core/use-cases/, the same functions the routes and activities call), never by hand-written
 * inserts that drift from the schema. Each takes overrides for what the test cares about and fills
 * in the rest. Delivery states, which only the delivery shard pass writes, go through the same
 * core/db steps it takes. No vitest here: bench/ uses these too.
 */

/** A staff member: the user row, the bearer token that signs them in, and them as an actor. */
export interface StaffMember {
  user: User;
  token: string;
  actor: Actor;
}

/** The actor a use case records for `user`. */
export const actorOf = (user: Pick<User, 'id' | 'role'>): Actor => ({ id: user.id, role: user.role });

/** Who issues the test users: the system, as an administrator would through the console. */
const ISSUER: Actor = { id: 'system', role: 'admin' };

/**
 * A staff member with a fresh token, through the `issueUserToken` use case. Users are keyed by
 * email, so asking twice for the same address returns that user again, with a new token.
 */
export async function newUser(
  pool: Pool,
  overrides: { role: Role; email?: string; displayName?: string },
): Promise<StaffMember> {
  const { role } = overrides;
  const { user, token } = await issueUserToken({ pool }, ISSUER, {
    email: overrides.email ?? `${role}@staff.example.com`,
    displayName: overrides.displayName ?? `Test ${role}`,
    role,
  });
  return { user, token, actor: actorOf(user) };
}

/** The two people every incident needs: the officer who opens it and compliance, who decides. */
export async function newStaff(
  pool: Pool,
  overrides: { emailDomain?: string; displayNamePrefix?: string } = {},
): Promise<{ officer: StaffMember; compliance: StaffMember }> {
  const domain = overrides.emailDomain ?? 'staff.example.com';
  const prefix = overrides.displayNamePrefix ?? 'Test';
  const member = (role: 'officer' | 'compliance') =>
    newUser(pool, { role, email: `${role}@${domain}`, displayName: `${prefix} ${role}` });
  return { officer: await member('officer'), compliance: await member('compliance') };
}

/**
 * The agreement to electronic notices a test customer with an email address is given when the test
 * does not mention consent: the tests written before consent counted (issue 14) email everyone, and
 * a state that accepts email only with consent would otherwise send them letters. A test about
 * consent says so: `electronicConsent: null` for none (or `customerWith`).
 */
export const FIXTURE_CONSENT = { at: '2020-01-01T00:00:00Z', method: 'test fixture' } as const;

/**
 * `customer` with FIXTURE_CONSENT added when it has an email address (made up or given) and does
 * not mention `electronicConsent`; as the API takes it. For inventories imported through the API
 * (test/helpers/system.ts) as well as through the use cases.
 */
export function withFixtureConsent<C extends object>(customer: C): C {
  const c = customer as { email?: unknown; electronicConsent?: unknown };
  return typeof c.email === 'string' && !('electronicConsent' in c)
    ? { ...customer, electronicConsent: FIXTURE_CONSENT }
    : customer;
}

/**
 * Customers and their holdings, through the inventory import use cases (as the API's import).
 * A customer needs only an `externalId`; the rest is made up from it (`email: null` for none; see
 * `customerWith` for postal addresses and consent, and FIXTURE_CONSENT for the consent added when a
 * customer with email does not mention it).
 */
export async function importInventory(
  pool: Pool,
  inventoryRows: {
    customers: CustomerOverrides[];
    holdings?: HoldingInput[];
  },
): Promise<void> {
  await importCustomers(
    { pool },
    inventoryRows.customers.map((c) =>
      withFixtureConsent({
        fullName: `Customer ${c.externalId}`,
        email: `${c.externalId.toLowerCase()}@example.com`,
        country: 'US',
        ...c,
      }),
    ),
  );
  if (inventoryRows.holdings?.length) await importHoldings({ pool }, inventoryRows.holdings);
}

/**
 * The smallest inventory that makes each of `customers` affected: each held in the CRM with their
 * email address (what most tests need before identifying people).
 */
export function importEmailHolders(pool: Pool, customers: CustomerOverrides[]): Promise<void> {
  return importInventory(pool, {
    customers,
    holdings: customers.map((c) => ({
      customerExternalId: c.externalId,
      system: 'crm',
      categories: ['email'],
    })),
  });
}

/**
 * Holdings of each customer's name and email in `system` since 1 January 2025: with the customers,
 * what a delivery test imports so that an incident on `system` affects them.
 */
export function nameAndEmailHeldIn(system: string, customers: { externalId: string }[]): HoldingInput[] {
  return customers.map((c) => ({
    customerExternalId: c.externalId,
    system,
    categories: ['name', 'email'],
    from: '2025-01-01T00:00:00Z',
  }));
}

/** A customer as the factories take one: an external id, and whatever the test cares about. */
export type CustomerOverrides = Partial<CustomerInput> & { externalId: string };

/**
 * A made-up postal address for `externalId` in `place`: an ISO 3166-2 region (@default 'US-CA':
 * printed as region 'CA', country 'US') or a bare ISO 3166-1 country ('DE': no region), with
 * overrides; what a letter's address block prints, as the inventory stores it.
 */
export function postalAddressFor(
  externalId: string,
  place = 'US-CA',
  overrides: Partial<PostalAddress> = {},
): PostalAddress {
  return {
    lines: [`1 ${externalId} Street`],
    locality: 'Springfield',
    ...(place.length > 2 ? { region: place.slice(3) } : {}),
    postalCode: '90210',
    country: place.slice(0, 2),
    ...overrides,
  };
}

/**
 * How a person can be reached, the four cases the channel rules tell apart:
 * - `email_with_consent`: an email address, a postal address, and a recorded agreement to electronic notices;
 * - `email_without_consent`: an email address and a postal address, no agreement on record;
 * - `address_only`: no email address, a postal address;
 * - `none`: neither (only a substitute notice reaches them).
 */
export const CONTACT_KINDS = ['email_with_consent', 'email_without_consent', 'address_only', 'none'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

/** The consent `email_with_consent` records: agreed at sign-up, a year before 2026-12-07. */
export const TEST_CONSENT = { at: '2025-12-07T10:00:00Z', method: 'sign-up form checkbox' } as const;

/**
 * A customer reachable as `kind` says (fields in `customer` win, so e.g. a person key or another
 * address can be given). Email addresses are made up from the external id, as importInventory does;
 * the postal address is `postalAddressFor` in the customer's region.
 */
export function customerWith(kind: ContactKind, customer: CustomerOverrides): CustomerOverrides {
  // In the customer's region, else their country, else California.
  const address = postalAddressFor(customer.externalId, customer.region ?? customer.country ?? 'US-CA');
  const contact: Partial<CustomerInput> = {
    email_with_consent: { postalAddress: address, electronicConsent: TEST_CONSENT },
    email_without_consent: { postalAddress: address, electronicConsent: null },
    address_only: { email: null, postalAddress: address, electronicConsent: null },
    none: { email: null, postalAddress: null, electronicConsent: null },
  }[kind];
  return { ...contact, ...customer };
}

export interface NewIncidentOverrides extends Partial<OpenIncidentInput> {
  /** Who opens it. @default a test officer (officer@staff.example.com) */
  openedBy?: User;
}

/** Where to start the incident's workflow, as the API does after opening it. */
export interface StartOn {
  temporal: Client;
  config: Readonly<Config>;
}

const INCIDENT_DEFAULTS = {
  title: 'Test incident',
  description: 'A test incident.',
  systems: ['crm'],
  dataCategories: ['email'],
} satisfies Partial<OpenIncidentInput>;

/**
 * Opens an incident through the `openIncident` use case (row and audit entry in one transaction):
 * on crm, exposing email, discovered now, no window unless overridden. With `start`, its workflow
 * is started too, under its business id, exactly as the API starts it.
 */
export async function newIncident(
  pool: Pool,
  overrides: NewIncidentOverrides = {},
  start?: StartOn,
): Promise<{ incident: Incident; officer: User }> {
  const { openedBy, ...facts } = overrides;
  const officer = openedBy ?? (await newUser(pool, { role: 'officer' })).user;
  const { incident } = await openIncident({ pool }, actorOf(officer), {
    ...INCIDENT_DEFAULTS,
    discoveredAt: new Date(),
    ...facts,
  });
  if (start) await startIncidentWorkflow(start, incident);
  return { incident, officer };
}

/**
 * Identifies an incident's affected customers, as the workflow's first activity does (the
 * `identifyAffectedCustomers` use case). Returns the number of people.
 */
export function identifyAffected(pool: Pool, incidentId: string): Promise<number> {
  return identifyAffectedCustomers({ pool }, incidentId);
}

export interface NoticeFactoryDeps {
  pool: Pool;
  templates: TemplateCache;
  config: Readonly<Config>;
}

/** Drafts the incident's notice and approves it as `compliance`, through the notice use cases. */
export async function approvedNotice(
  deps: NoticeFactoryDeps,
  incidentId: string,
  compliance: Pick<User, 'id'>,
  comment: string | null = null,
): Promise<{ id: string; version: number }> {
  const notice = await draftNotice(deps, { incidentId, afterVersion: 0, revision: null });
  await recordApproval(deps.pool, {
    incidentId,
    noticeId: notice.id,
    decision: 'approve',
    comment,
    actorId: compliance.id,
  });
  return notice;
}

/**
 * Approves the notice of a running incident that waits for a decision, as `compliance`, the way the
 * API does (api/temporal-client.ts `decideNotice`): the decision is recorded for that person, bound
 * to the notice's version and content hash, and the workflow is sent its id.
 */
export async function approvePending(
  deps: { pool: Pool; temporal: Client; config: Readonly<Config> },
  compliance: Pick<User, 'id' | 'role'>,
  incidentId: string,
  comment: string | null = null,
): Promise<ApprovalResult> {
  const pending = (await notices.listForIncident(deps.pool, incidentId)).find(
    (n) => n.status === 'pending_approval',
  );
  if (!pending) throw new Error(`incident ${incidentId} has no notice waiting for a decision`);
  return decideNotice(deps, actorOf(compliance), {
    incidentId,
    workflowId: incidentWorkflowId(incidentId),
    noticeId: pending.id,
    contentHash: pending.contentHash,
    decision: 'approve',
    comment,
  });
}

/**
 * Records `count` of an incident's affected customers as sent, in customer order, through the
 * delivery states core/delivery/shard-pass.ts moves a notice through (claim → sending → sent);
 * nothing goes to an SMTP server. `sentOverSeconds` spreads their sent times evenly over that many
 * seconds before now, for tests of the rate and forecast: the one write here no product function
 * makes, since it stands for time having passed.
 */
export async function recordSent(
  deps: { pool: Pool; config: Readonly<Config> },
  input: { incidentId: string; noticeId: string; count: number; sentOverSeconds?: number },
): Promise<number[]> {
  const { pool, config } = deps;
  // People with an email address only: the others are never emailed.
  const recipients = (
    await affected.emailRecipientsPage(pool, input.incidentId, { after: 0, limit: input.count })
  ).filter((r): r is typeof r & { email: string } => r.email !== null);
  const senderDomain = /@([^>\s]+)/.exec(config.mail.from)?.[1] ?? 'localhost';
  const lease = randomUUID();
  const claimed = await deliveries.claim(
    pool,
    input.incidentId,
    input.noticeId,
    lease,
    recipients.map((r) => ({
      customerId: r.customerId,
      recipient: r.email,
      messageId: noticeMessageId(input.incidentId, r.customerId, senderDomain),
    })),
  );
  const ids = [...claimed.values()].filter((c) => c.mine).map((c) => c.id);
  await deliveries.markSending(pool, lease, ids);
  await deliveries.markSent(pool, input.incidentId, ids);
  if (input.sentOverSeconds !== undefined) {
    await pool.query(
      `UPDATE deliveries d SET sent_at = now() - ($3 * o.n / $4::float8) * interval '1 second'
       FROM (SELECT id, row_number() OVER (ORDER BY customer_id) AS n FROM deliveries WHERE id = ANY($2::bigint[])) o
       WHERE d.id = o.id AND d.incident_id = $1`,
      [input.incidentId, ids, input.sentOverSeconds, ids.length],
    );
  }
  return recipients.map((r) => r.customerId);
}

/**
 * An incident part-way through delivery: opened, its affected customers identified (import them
 * first), its notice approved by `approver` (@default a test compliance user) and the first `sent`
 * of them recorded sent (see `recordSent`). No workflow runs.
 */
export async function newDeliveredIncident(
  deps: NoticeFactoryDeps,
  input: { incident?: NewIncidentOverrides; approver?: User; sent: number; sentOverSeconds?: number },
): Promise<{ incident: Incident; officer: User; notice: { id: string; version: number }; affected: number }> {
  const { incident, officer } = await newIncident(deps.pool, input.incident);
  const affectedCount = await identifyAffected(deps.pool, incident.id);
  const approver = input.approver ?? (await newUser(deps.pool, { role: 'compliance' })).user;
  const notice = await approvedNotice(deps, incident.id, approver);
  await recordSent(deps, {
    incidentId: incident.id,
    noticeId: notice.id,
    count: input.sent,
    ...(input.sentOverSeconds === undefined ? {} : { sentOverSeconds: input.sentOverSeconds }),
  });
  return { incident, officer, notice, affected: affectedCount };
}

/**
 * Gives the incident one obligation, replacing those it had: notifying California individuals
 * (`affectedCount` of them) by `dueAt` — the deadline a delivery forecast is measured against.
 */
export function setIndividualsDeadline(
  pool: Pool,
  incidentId: string,
  dueAt: Date,
  affectedCount: number,
): Promise<void> {
  return obligations.replace(pool, incidentId, [
    {
      ruleId: 'us-ca-individuals',
      jurisdiction: 'US-CA',
      audience: 'individuals',
      regime: 'US-CA',
      citation: 'Cal. Civ. Code § 1798.82',
      deadlineText: 'in the most expedient time possible',
      legalDueAt: dueAt,
      dueAt,
      status: 'pending',
      reason: null,
      affectedCount,
      uncertain: null,
      rulesVersion: 'test',
    },
  ]);
}
