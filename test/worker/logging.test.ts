import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Context } from '@temporalio/activity';
import { MockActivityEnvironment, defaultActivityInfo } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { incidentIdOfWorkflowId, deliveryShardWorkflowId, incidentWorkflowId } from '../../core/domain/ids';
import { mailingShardWorkflowId, mailingWorkflowId } from '../../core/domain/mailings';
import { createLogger } from '../../core/logger';
import { incidentLogInterceptor, runtimeLogFields, runtimeLogger } from '../../worker/logging';

const capture = () => {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger(
    'debug',
    'worker',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );
  return { log, lines };
};

describe('incidentIdOfWorkflowId', () => {
  it("finds the incident in its own, its shards', letters' and mailings' workflow ids, and nowhere else", () => {
    const id = randomUUID();
    expect(incidentIdOfWorkflowId(incidentWorkflowId(id))).toBe(id);
    expect(incidentIdOfWorkflowId(deliveryShardWorkflowId(id, 3))).toBe(id);
    expect(incidentIdOfWorkflowId(mailingWorkflowId(id, 'update', 'k1'))).toBe(id);
    expect(incidentIdOfWorkflowId(mailingShardWorkflowId(randomUUID(), 0))).toBeUndefined();
    expect(incidentIdOfWorkflowId('incident-not-a-uuid')).toBeUndefined();
  });
});

describe('runtimeLogger', () => {
  it('writes the runtime lines at their own level, with incidentId and the error serialized', () => {
    const { log, lines } = capture();
    const runtime = runtimeLogger(log, 'debug');
    const id = randomUUID();
    runtime.info('Activity started', { workflowId: deliveryShardWorkflowId(id, 0), activityType: 'x' });
    runtime.warn('Activity failed', { workflowId: 'question-answer-1', error: new Error('relay said no') });
    runtime.trace('too fine');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'Activity started', incidentId: id, activityType: 'x' });
    expect(lines[1]).toMatchObject({ level: 40, msg: 'Activity failed', err: { message: 'relay said no' } });
    expect(lines[1]!.incidentId).toBeUndefined();
  });

  it('keeps an incidentId an activity interceptor already set', () => {
    expect(runtimeLogFields({ meta: { workflowId: 'mailing-x-shard-0', incidentId: 'given' } })).toEqual({
      workflowId: 'mailing-x-shard-0',
      incidentId: 'given',
    });
  });

  it('logs only errors when the level is silent (pino drops them too)', () => {
    const { log, lines } = capture();
    const runtime = runtimeLogger(log, 'silent');
    runtime.warn('w');
    runtime.error('e');
    expect(lines.map((l) => l.msg)).toEqual(['e']);
  });
});

describe('incidentLogInterceptor', () => {
  const run = async (workflowId: string, arg: unknown) => {
    const { log, lines } = capture();
    const env = new MockActivityEnvironment(
      { workflowExecution: { runId: 'run-1', ...defaultActivityInfo.workflowExecution, workflowId } },
      { logger: runtimeLogger(log, 'debug'), interceptors: [incidentLogInterceptor] },
    );
    await env.run(async (_input: unknown) => Context.current().log.info('step done'), arg);
    return lines.find((l) => l.msg === 'step done')!;
  };

  it("adds the incident of an activity's { incidentId } argument when its workflow id names none", async () => {
    const id = randomUUID();
    const line = await run(mailingShardWorkflowId(randomUUID(), 0), { incidentId: id, shard: 0 });
    expect(line).toMatchObject({ incidentId: id, workflowId: expect.stringMatching(/^mailing-/) });
  });

  it('keeps the incident its workflow id names, and adds nothing from other arguments', async () => {
    const id = randomUUID();
    expect(await run(deliveryShardWorkflowId(id, 1), { incidentId: randomUUID() })).toMatchObject({
      incidentId: id,
    });
    expect((await run('question-answer-x', 'some-question-id')).incidentId).toBeUndefined();
  });
});
