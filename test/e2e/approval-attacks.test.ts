import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentWorkflowId } from '../../core/domain/ids';
import { REFUSAL, approvalUpdate } from '../../workflows/messages';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { newUser } from '../helpers/factories';
import { startSmtpSink } from '../helpers/smtp';
import type { SmtpSink } from '../helpers/smtp';
import {
  bearer,
  eventually,
  importInventory,
  incidentStatus,
  reviewedNotice,
  startSystem,
} from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * Attacks on the approval, on real Temporal and PostgreSQL, each of which must fail (issue 13): an
 * approval sent straight to Temporal naming another user (refused, audited), a replayed decision
 * id, a decision on text other than the version waiting, the last reviser approving, one approver
 * where two are configured, and an incident workflow terminated or reset behind Forthright's back.
 * The system runs with APPROVAL_QUORUM=2.
 */

const customers = ['A', 'B', 'C'].map((x) => ({
  externalId: `ATK-${x}`,
  fullName: `Customer ${x}`,
  email: `atk-${x.toLowerCase()}@example.com`,
  locale: 'en',
  country: 'US',
  region: 'US-TX',
}));
const holdings = customers.map((c) => ({
  customerExternalId: c.externalId,
  system: 'crm',
  categories: ['name', 'email'],
  from: '2025-01-01T00:00:00Z',
}));

describe('approval attacks', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let system: TestSystem;
  /** A third compliance user: neither the opener nor the reviser, the second approver. */
  let compliance3: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    system = await startSystem(db, smtp.url, { APPROVAL_QUORUM: '2' });
    await importInventory(system, customers, holdings);
    compliance3 = (await newUser(db.pool, { role: 'compliance', email: 'compliance3@staff.example.com' }))
      .token;
  });

  afterAll(async () => {
    await system?.stop();
    await smtp?.close();
    await db?.drop();
  });

  const open = async (title: string) => {
    const opened = await system.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: bearer(system.tokens.officer),
      payload: {
        title,
        description: 'A stolen laptop held an export of the customer database.',
        discoveredAt: '2026-02-03T09:00:00Z',
        occurredFrom: '2026-01-01T00:00:00Z',
        occurredTo: '2026-02-01T00:00:00Z',
        systems: ['crm'],
        dataCategories: ['name', 'email'],
      },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const id = opened.json().id as string;
    await eventually(async () => (await incidentStatus(system, id)) === 'awaiting_approval');
    return id;
  };

  const decide = (id: string, token: string, body: object) =>
    system.app.inject({
      method: 'POST',
      url: `/api/incidents/${id}/approval`,
      headers: bearer(token),
      payload: body,
    });

  const revise = (id: string, token: string) =>
    system.app.inject({
      method: 'PUT',
      url: `/api/incidents/${id}/notice`,
      headers: bearer(token),
      payload: {
        whatHappened: `A laptop was stolen from a car; it held a customer export (${randomUUID()}).`,
        whatWeAreDoing: 'We have asked the police to help and are writing to everyone affected.',
      },
    });

  const audit = async (id: string, action: string) =>
    (
      await db.pool.query<{ actor: string; detail: Record<string, unknown> }>(
        `SELECT actor, detail FROM audit_events WHERE incident_id = $1 AND action = $2 ORDER BY id`,
        [id, action],
      )
    ).rows;

  const noticeStatuses = async (id: string) =>
    (
      await db.pool.query<{ version: number; status: string }>(
        `SELECT version, status FROM notices WHERE incident_id = $1 ORDER BY version`,
        [id],
      )
    ).rows;

  /** The refusal an Update sent straight to Temporal got back. */
  async function refusalOf(
    promise: Promise<unknown>,
  ): Promise<{ type: string | undefined; message: string }> {
    const err = await promise.then(
      () => expect.fail('the update was accepted'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    return { type: cause.type ?? undefined, message: cause.message };
  }

  it('refuses and audits an approval sent straight to Temporal, naming another user or a made-up or used decision', async () => {
    const id = await open('Approval forged past the API');
    const handle = system.client.workflow.getHandle(incidentWorkflowId(id));

    // The Update in its old shape, naming a real compliance user: refused, and what it claimed is audited.
    const asCompliance = {
      decision: 'approve',
      comment: null,
      actorId: system.staff.compliance.id,
      actorRole: 'compliance',
    } as const;
    expect(await refusalOf(handle.executeUpdate(approvalUpdate, { args: [asCompliance] }))).toMatchObject({
      type: REFUSAL.forbidden,
    });
    // A decision id Forthright never recorded.
    expect(
      await refusalOf(handle.executeUpdate(approvalUpdate, { args: [{ decisionId: randomUUID() }] })),
    ).toEqual({
      type: REFUSAL.forbidden,
      message: 'No decision with this id was recorded through Forthright',
    });

    // Not even an object: refused like any other, and the workflow goes on.
    expect(await refusalOf(handle.executeUpdate(approvalUpdate, { args: [null as never] }))).toMatchObject({
      type: REFUSAL.forbidden,
    });

    // A real decision, recorded by the API for compliance: it counts once (one of two approvals)…
    const first = await decide(id, system.tokens.compliance, {
      decision: 'approve',
      ...(await reviewedNotice(system, id)),
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().status).toBe('awaiting_quorum');
    // …and sent again straight to Temporal, to make up the quorum, it is refused.
    const [recorded] = await audit(id, 'approval_decision_recorded');
    const decisionId = recorded!.detail.decisionId as string;
    expect(await refusalOf(handle.executeUpdate(approvalUpdate, { args: [{ decisionId }] }))).toEqual({
      type: REFUSAL.forbidden,
      message: 'This decision was already used',
    });

    const refused = await audit(id, 'approval_refused');
    expect(refused).toHaveLength(4);
    expect(refused[0]!.detail).toMatchObject({
      claimed: { actorId: system.staff.compliance.id, actorRole: 'compliance' },
    });
    expect(refused.map((r) => r.detail.reason)).toEqual([
      'No decision with this id was recorded through Forthright',
      'No decision with this id was recorded through Forthright',
      'No decision with this id was recorded through Forthright',
      'This decision was already used',
    ]);
    expect(await audit(id, 'notice_approved')).toHaveLength(0);
    expect(await noticeStatuses(id)).toEqual([{ version: 1, status: 'pending_approval' }]);
    expect(await incidentStatus(system, id)).toBe('awaiting_approval');
    await handle.terminate('test finished');
  });

  it('binds a decision to the version and text reviewed, keeps the reviser out, and needs two approvers', async () => {
    const id = await open('Approval bound to what was reviewed');
    const v1 = await reviewedNotice(system, id);

    // Text other than what waits: refused.
    const otherText = await decide(id, system.tokens.compliance, {
      decision: 'approve',
      ...v1,
      contentHash: 'a'.repeat(64),
    });
    expect(otherText.statusCode).toBe(409);

    // The officer revises while it waits: an approval of the superseded version is refused.
    expect((await revise(id, system.tokens.officer)).statusCode).toBe(200);
    const superseded = await decide(id, system.tokens.compliance, { decision: 'approve', ...v1 });
    expect(superseded.statusCode, superseded.body).toBe(409);
    expect(superseded.json().message).toContain('Version 1');

    // A compliance user revises (version 3): they may not approve their own wording.
    expect((await revise(id, system.tokens.compliance2)).statusCode).toBe(200);
    const v3 = await reviewedNotice(system, id);
    const byReviser = await decide(id, system.tokens.compliance2, { decision: 'approve', ...v3 });
    expect(byReviser.statusCode, byReviser.body).toBe(403);
    expect(byReviser.json().message).toBe('The person who last revised the notice may not decide on it');

    // Two approvals are configured: the first leaves it waiting, the same person cannot count twice.
    const first = await decide(id, system.tokens.compliance, { decision: 'approve', ...v3 });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ noticeId: v3.noticeId, status: 'awaiting_quorum' });
    expect(await incidentStatus(system, id)).toBe('awaiting_approval');
    expect((await decide(id, system.tokens.compliance, { decision: 'approve', ...v3 })).statusCode).toBe(409);
    expect(smtp.messages.filter((m) => m.messageId.includes(id))).toHaveLength(0);

    const second = await decide(id, compliance3, { decision: 'approve', ...v3 });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toEqual({ noticeId: v3.noticeId, status: 'approved' });
    expect(await noticeStatuses(id)).toEqual([
      { version: 1, status: 'superseded' },
      { version: 2, status: 'superseded' },
      { version: 3, status: 'approved' },
    ]);
    const [approved] = await audit(id, 'notice_approved');
    expect((approved!.detail.approvers as string[]).length).toBe(2);
    await eventually(async () => (await incidentStatus(system, id)) === 'completed', 90_000);
    expect(smtp.messages.filter((m) => m.messageId.includes(id))).toHaveLength(customers.length);
  });

  it('shows and audits an incident workflow terminated outside Forthright', async () => {
    const id = await open('Workflow terminated behind our back');
    const handle = system.client.workflow.getHandle(incidentWorkflowId(id));
    const read = async () => {
      const response = await system.app.inject({
        method: 'GET',
        url: `/api/incidents/${id}`,
        headers: bearer(system.tokens.officer),
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    };
    expect((await read()).workflowTampering).toEqual([]);

    await handle.terminate('stop the deadline timers');
    const after = await read();
    expect(after.workflowTampering).toHaveLength(1);
    expect(after.workflowTampering[0]).toMatchObject({
      kind: 'terminated',
      reason: 'stop the deadline timers',
    });
    await read(); // reading again records nothing new
    const audited = await audit(id, 'workflow_tampered');
    expect(audited).toHaveLength(1);
    expect(audited[0]!.detail).toMatchObject({ kind: 'terminated', reason: 'stop the deadline timers' });
  });

  it('shows and audits an incident workflow reset outside Forthright', async () => {
    const id = await open('Workflow reset behind our back');
    const handle = system.client.workflow.getHandle(incidentWorkflowId(id));
    const { runId } = await handle.describe();
    const history = await handle.fetchHistory();
    const firstTask = history.events!.find((e) => e.workflowTaskCompletedEventAttributes)!;
    await system.client.workflowService.resetWorkflowExecution({
      namespace: system.config.temporal.namespace,
      workflowExecution: { workflowId: incidentWorkflowId(id), runId },
      reason: 'rewind past the approval',
      workflowTaskFinishEventId: firstTask.eventId,
      requestId: randomUUID(),
    });
    const response = await system.app.inject({
      method: 'GET',
      url: `/api/incidents/${id}`,
      headers: bearer(system.tokens.officer),
    });
    expect(response.json().workflowTampering).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'reset' })]),
    );
    expect((await audit(id, 'workflow_tampered')).map((a) => a.detail.kind)).toContain('reset');
    await system.client.workflow.getHandle(incidentWorkflowId(id)).terminate('test finished');
  });
});
