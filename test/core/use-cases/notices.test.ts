import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as audit from '../../../core/db/audit';
import * as notices from '../../../core/db/notices';
import * as users from '../../../core/db/users';
import { ConflictError, ForbiddenError, ValidationError } from '../../../core/errors';
import { TemplateCache } from '../../../core/mail/template-cache';
import {
  applyDecision,
  confirmStandardNotice,
  draftNotice,
  preapproveStandardNotice,
  recordDecision,
} from '../../../core/use-cases/notices';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import { newIncident, newUser } from '../../helpers/factories';
import type { StaffMember } from '../../helpers/factories';

/**
 * The two halves of a decision against real PostgreSQL, without Temporal: what the API records
 * (`recordDecision`) and what the workflow's activity checks again before it counts
 * (`applyDecision`), including what can change in between (a deactivated approver, a new version).
 */
describe('core/use-cases/notices decisions', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let templates: TemplateCache;
  let officer: StaffMember;
  let alice: StaffMember;
  let bob: StaffMember;

  beforeAll(async () => {
    db = await createTestDatabase();
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-notices-')),
      DATABASE_URL: db.url,
      SMTP_URL: 'smtp://127.0.0.1:1',
      LOG_LEVEL: 'silent',
    });
    templates = new TemplateCache(db.pool);
    officer = await newUser(db.pool, { role: 'officer' });
    alice = await newUser(db.pool, { role: 'compliance', email: 'alice@staff.example.com' });
    bob = await newUser(db.pool, { role: 'compliance', email: 'bob@staff.example.com' });
  });

  afterAll(async () => {
    await db?.drop();
  });

  const drafted = async () => {
    const { incident } = await newIncident(db.pool, { openedBy: officer.user });
    const draft = await draftNotice(
      { pool: db.pool, templates, config },
      {
        incidentId: incident.id,
        afterVersion: 0,
        revision: null,
      },
    );
    const notice = (await notices.get(db.pool, draft.id))!;
    return { incidentId: incident.id, noticeId: notice.id, contentHash: notice.contentHash };
  };
  const approve = { decision: 'approve' as const, comment: null };

  it('refuses a decision whose approver was deactivated after the API recorded it, and audits it', async () => {
    const carol = await newUser(db.pool, { role: 'compliance', email: 'carol@staff.example.com' });
    const notice = await drafted();
    const { decisionId } = await recordDecision(db, carol.actor, { ...notice, ...approve });
    await users.deactivate(db.pool, carol.user.id);
    expect(await applyDecision({ pool: db.pool, config }, { ...notice, decisionId })).toEqual({
      outcome: 'refused',
      refusal: 'forbidden',
      message: 'Only active compliance staff may approve or reject a notice',
    });
    expect((await notices.get(db.pool, notice.noticeId))!.status).toBe('pending_approval');
    const trail = (await audit.listForIncident(db.pool, notice.incidentId)).map((e) => e.action);
    expect(trail).toContain('approval_refused');
    expect(trail).not.toContain('notice_approved');
  });

  it('refuses a decision applied to another notice than the one it names', async () => {
    const first = await drafted();
    const other = await drafted();
    const { decisionId } = await recordDecision(db, alice.actor, { ...first, ...approve });
    expect(await applyDecision({ pool: db.pool, config }, { ...other, decisionId })).toMatchObject({
      outcome: 'refused',
      refusal: 'conflict',
    });
    // Still usable for its own notice, once.
    expect(await applyDecision({ pool: db.pool, config }, { ...first, decisionId })).toMatchObject({
      outcome: 'approved',
    });
    expect(await applyDecision({ pool: db.pool, config }, { ...first, decisionId })).toMatchObject({
      outcome: 'refused',
      message: 'This decision was already used',
    });
  });

  it('refuses a role other than compliance, a rejection without a comment, and the opener', async () => {
    const notice = await drafted();
    await expect(recordDecision(db, officer.actor, { ...notice, ...approve })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(
      recordDecision(db, alice.actor, { ...notice, decision: 'reject', comment: ' ' }),
    ).rejects.toThrow(ValidationError);
    const { incident } = await newIncident(db.pool, { openedBy: alice.user });
    const own = await draftNotice(
      { pool: db.pool, templates, config },
      {
        incidentId: incident.id,
        afterVersion: 0,
        revision: null,
      },
    );
    const ownHash = (await notices.get(db.pool, own.id))!.contentHash;
    await expect(
      recordDecision(db, alice.actor, {
        incidentId: incident.id,
        noticeId: own.id,
        contentHash: ownHash,
        ...approve,
      }),
    ).rejects.toThrow('The officer who opened the incident may not decide on its notice');
  });

  it('needs two distinct compliance users for the standard notice', async () => {
    const deps = { pool: db.pool, templates, config };
    const proposal = await preapproveStandardNotice(deps, alice.actor, {
      whatHappened: 'Someone gained access to one of our systems without permission.',
      whatWeAreDoing: 'We closed the access and are investigating.',
    });
    expect(await notices.activePreapproved(db.pool)).toBeNull();
    await expect(
      confirmStandardNotice(db, alice.actor, { id: proposal.id, contentHash: proposal.contentHash }),
    ).rejects.toThrow(ForbiddenError);
    await expect(
      confirmStandardNotice(db, bob.actor, { id: proposal.id, contentHash: 'b'.repeat(64) }),
    ).rejects.toThrow(ConflictError);
    await confirmStandardNotice(db, bob.actor, { id: proposal.id, contentHash: proposal.contentHash });
    expect(await notices.activePreapproved(db.pool)).toMatchObject({
      id: proposal.id,
      approvedBy: alice.user.id,
      confirmedBy: bob.user.id,
    });
  });
});
