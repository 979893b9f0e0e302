import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUESTION_MAX_LENGTH } from '../../core/domain/questions';
import { MAX_WAITING_QUESTIONS, requestAnswer } from '../../core/use-cases/questions';
import { actorOf } from '../helpers/factories';
import { unescapeHtml } from '../core/mail/fixtures';
import { bearer, eventually } from '../helpers/system';
import { PEOPLE, deliveredWorld, pageTokenIn, referenceIn } from './delivered-incidents';
import type { DeliveredWorld } from './delivered-incidents';

/** The visible words of a page (tags dropped, entities undone, spaces collapsed). */
const wordsOf = (html: string) => unescapeHtml(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');

/** The hidden token of a page's question form. */
const formTokenIn = (html: string) => {
  const token = /<input type="hidden" name="form_token" value="([^"]+)">/.exec(html)?.[1];
  expect(token, 'question form token').toBeDefined();
  return unescapeHtml(token!);
};

/**
 * Questions without repeating oneself (issue 17 item 5), through the API on the real system: a
 * customer asks on their page (a plain form, no script), the question appears in the support lookup
 * by their reference code with its history, and support's answer reaches them once at the SMTP
 * server — the address their notice went to, nobody else's data in it.
 */
describe('questions on the customer page, answered by support', () => {
  let world: DeliveredWorld;
  const get = (url: string) => world.system.app.inject({ method: 'GET', url });
  const post = (token: string, fields: [string, string][], headers: Record<string, string> = {}) =>
    world.system.app.inject({
      method: 'POST',
      url: `/n/${token}/questions`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(fields).toString(),
    });
  const lookup = (reference: string, token = world.system.tokens.support) =>
    world.system.app.inject({
      method: 'GET',
      url: `/api/support/cases?reference=${reference}`,
      headers: bearer(token),
    });
  const answer = (id: string, body: object, token = world.system.tokens.support) =>
    world.system.app.inject({
      method: 'POST',
      url: `/api/support/questions/${id}/answer`,
      headers: bearer(token),
      payload: body,
    });
  const questionCount = async () =>
    Number((await world.db.pool.query(`SELECT count(*) FROM questions`)).rows[0].count);

  let alice: { token: string; reference: string; formToken: string };

  beforeAll(async () => {
    world = await deliveredWorld();
    const mail = world.messageTo(PEOPLE.alice, world.incidents.crmAndBilling);
    const token = pageTokenIn(mail);
    const page = await get(`/n/${token}`);
    alice = { token, reference: referenceIn(mail), formToken: formTokenIn(page.body) };
  }, 180_000);
  afterAll(async () => {
    await world?.close();
  });

  it('offers a plain form posting back to the page, bound to it, under the page’s CSP', async () => {
    const page = await get(`/n/${alice.token}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<form method="post" action="/n/${alice.token}/questions">`);
    expect(page.body).toMatch(
      new RegExp(
        `<textarea id="question" name="question" rows="6" maxlength="${QUESTION_MAX_LENGTH}" required`,
      ),
    );
    expect(wordsOf(page.body)).toContain('Ask us a question');
    expect(page.body).not.toMatch(/<script/i);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    // Bound to this page: another person's page has another token.
    const bruno = await get(
      `/n/${pageTokenIn(world.messageTo(PEOPLE.bruno, world.incidents.crmAndBilling))}`,
    );
    expect(formTokenIn(bruno.body)).not.toBe(alice.formToken);
    expect(wordsOf(bruno.body)).toContain('Stellen Sie uns eine Frage');
  });

  let questionId: string;
  const QUESTION = 'Do I need a new card?\nMy card ending 4242 is the one I use for everything.';

  it('records a question on the person’s case once, and shows it on their page', async () => {
    const before = await questionCount();
    const asked = await post(alice.token, [
      ['question', `  ${QUESTION.replace('\n', '\r\n')}  `],
      ['form_token', alice.formToken],
    ]);
    expect(asked.statusCode, asked.body).toBe(303);
    expect(asked.headers.location).toBe(`/n/${alice.token}#ask`);
    // Sent twice (a double click, a reloaded POST): still one question.
    const again = await post(alice.token, [
      ['question', QUESTION],
      ['form_token', alice.formToken],
    ]);
    expect(again.statusCode).toBe(303);
    expect(await questionCount()).toBe(before + 1);

    const { rows } = await world.db.pool.query(
      `SELECT q.id, q.body, q.status, a.reference_code AS reference, q.incident_id AS "incidentId"
       FROM questions q JOIN affected_customers a USING (incident_id, customer_id)`,
    );
    expect(rows).toEqual([
      {
        id: expect.any(String),
        body: QUESTION,
        status: 'open',
        reference: alice.reference,
        incidentId: world.incidents.crmAndBilling,
      },
    ]);
    questionId = rows[0].id;

    const page = await get(`/n/${alice.token}`);
    const words = wordsOf(page.body);
    expect(words).toContain('Do I need a new card?');
    expect(words).toContain('We will answer by email');
    // Audited by ids and a length, never the words.
    const events = (
      await world.db.pool.query(
        `SELECT actor, detail FROM audit_events WHERE action = 'question_asked' ORDER BY id`,
      )
    ).rows;
    expect(events).toEqual([
      {
        actor: 'customer',
        detail: { questionId, customerId: expect.any(Number), characters: [...QUESTION].length },
      },
    ]);
  });

  it.each([
    [
      'an empty question',
      [
        ['question', '   '],
        ['form_token', 'FORM'],
      ],
      'Please write your question',
    ],
    [
      'a question over the limit',
      [
        ['question', 'x'.repeat(QUESTION_MAX_LENGTH + 1)],
        ['form_token', 'FORM'],
      ],
      `longer than ${QUESTION_MAX_LENGTH} characters`,
    ],
    ['no form token', [['question', 'Hello?']], 'This form was out of date'],
    [
      'a wrong form token',
      [
        ['question', 'Hello?'],
        ['form_token', 'x'.repeat(43)],
      ],
      'This form was out of date',
    ],
    [
      'a field the form does not have (whose case it is)',
      [
        ['question', 'Hello?'],
        ['form_token', 'FORM'],
        ['customer_id', '1'],
      ],
      'This form was out of date',
    ],
    [
      'a field sent twice',
      [
        ['question', 'Hello?'],
        ['question', 'Again?'],
        ['form_token', 'FORM'],
      ],
      'This form was out of date',
    ],
  ] as [string, [string, string][], string][])(
    'refuses %s with the page and why, recording nothing',
    async (_c, fields, why) => {
      const before = await questionCount();
      const response = await post(
        alice.token,
        fields.map(([k, v]) => [k, v === 'FORM' ? alice.formToken : v]),
      );
      expect(response.statusCode, response.body).toBe(400);
      expect(wordsOf(response.body)).toContain(why);
      expect(response.body).toContain('aria-invalid="true"');
      // The page's CSP holds for the refusal too.
      expect(String(response.headers['content-security-policy'])).toContain("form-action 'self'");
      expect(await questionCount()).toBe(before);
    },
  );

  it("refuses another person's form token, and a form another site posts", async () => {
    const before = await questionCount();
    const brunoPage = await get(
      `/n/${pageTokenIn(world.messageTo(PEOPLE.bruno, world.incidents.crmAndBilling))}`,
    );
    const crossed = await post(alice.token, [
      ['question', 'Whose question is this?'],
      ['form_token', formTokenIn(brunoPage.body)],
    ]);
    expect(crossed.statusCode).toBe(400);
    const crossSite = await post(
      alice.token,
      [
        ['question', 'Posted from elsewhere'],
        ['form_token', alice.formToken],
      ],
      { 'sec-fetch-site': 'cross-site' },
    );
    expect(crossSite.statusCode).toBe(400);
    // A wrong page token is a miss like any other.
    const wrongPage = await post('0'.repeat(64), [
      ['question', 'Hello?'],
      ['form_token', alice.formToken],
    ]);
    expect(wrongPage.statusCode).toBe(404);
    expect(await questionCount()).toBe(before);
  });

  it('shows the question in the support lookup by reference code, with its history', async () => {
    const response = await lookup(alice.reference);
    expect(response.statusCode, response.body).toBe(200);
    const [found] = response.json().items;
    expect(found.referenceCode).toBe(alice.reference);
    expect(found.questions).toEqual([
      expect.objectContaining({
        id: questionId,
        incidentId: world.incidents.crmAndBilling,
        referenceCode: alice.reference,
        body: QUESTION,
        status: 'open',
        answer: null,
        history: [expect.objectContaining({ action: 'question_asked', actor: 'customer', actorName: null })],
      }),
    ]);
    // The other incident's case of the same person has no questions: a question belongs to one case.
    const other = await lookup(referenceIn(world.messageTo(PEOPLE.alice, world.incidents.billingOnly)));
    expect(other.json().items[0].questions).toEqual([]);
  });

  it("lists the question in support's queue by reference code, without the words or the person", async () => {
    const queue = await world.system.app.inject({
      method: 'GET',
      url: '/api/support/questions',
      headers: bearer(world.system.tokens.support),
    });
    expect(queue.statusCode, queue.body).toBe(200);
    expect(queue.json().items).toEqual([
      {
        id: questionId,
        incident: { id: world.incidents.crmAndBilling, title: 'Exposed CRM and billing backup' },
        referenceCode: alice.reference,
        askedAt: expect.any(String),
        status: 'open',
        uncertain: false,
      },
    ]);
    expect(queue.body).not.toMatch(/Alice|alice@|new card/);
  });

  it('sends the answer once, to the address the notice went to, and keeps its history', async () => {
    const ANSWER = 'No new card is needed for this incident.\n\nWe recommend checking your statements.';
    const accepted = await answer(questionId, { answer: ANSWER });
    expect(accepted.statusCode, accepted.body).toBe(202);
    expect(accepted.json()).toMatchObject({ id: questionId, status: 'sending', recipient: PEOPLE.alice });
    // Answering again while it is being sent, or after: never a second message.
    const twice = await answer(questionId, { answer: ANSWER });
    expect([202, 409]).toContain(twice.statusCode);

    const messageId = (m: { messageId: string }) => m.messageId.includes(`answer.${questionId}@`);
    await eventually(async () => world.smtp.messages.filter(messageId).length === 1, 60_000);
    await eventually(
      async () => (await lookup(alice.reference)).json().items[0].questions[0].status === 'answered',
      30_000,
    );
    expect((await answer(questionId, { answer: ANSWER })).statusCode).toBe(409);
    await new Promise((r) => setTimeout(r, 1000));
    const sent = world.smtp.messages.filter(messageId);
    expect(sent).toHaveLength(1);
    const mail = sent[0]!;
    expect(mail.envelopeTo).toEqual([PEOPLE.alice]);
    expect(mail.headers['x-forthright-reference']).toBe(alice.reference);
    expect(mail.text).toContain('Dear Alice Archer');
    expect(mail.text).toContain('Do I need a new card?');
    expect(mail.text).toContain('No new card is needed for this incident.');
    expect(mail.text).toContain(alice.reference);
    // Nobody else's data: no other person, no other case's reference code, no page link.
    expect(mail.text).not.toMatch(/Bruno|Harold|Ruth|Ivan|bruno@|ruth@/);
    expect(mail.text).not.toContain(referenceIn(world.messageTo(PEOPLE.alice, world.incidents.billingOnly)));
    expect(mail.text).not.toMatch(/\/n\/[0-9a-f]{64}/);

    const [q] = (await lookup(alice.reference)).json().items[0].questions;
    expect(q).toMatchObject({
      status: 'answered',
      answer: ANSWER,
      answeredBy: { id: world.system.staff.support.id, name: 'Test support' },
      recipient: PEOPLE.alice,
      attempts: 1,
      relayResponse: expect.stringMatching(/^250/),
    });
    expect(q.history.map((e: { action: string }) => e.action)).toEqual([
      'question_asked',
      'question_answer_requested',
      'question_answered',
    ]);
    expect(q.history[1].actorName).toBe('Test support');
    // Audited by ids: neither the answer's words nor the address.
    const audited = (
      await world.db.pool.query(
        `SELECT detail FROM audit_events WHERE action IN ('question_answer_requested', 'question_answered')`,
      )
    ).rows;
    expect(JSON.stringify(audited)).not.toMatch(/alice@|new card/);

    // Answered: out of support's queue.
    const queue = await world.system.app.inject({
      method: 'GET',
      url: '/api/support/questions',
      headers: bearer(world.system.tokens.support),
    });
    expect(queue.json().items.map((i: { id: string }) => i.id)).not.toContain(questionId);

    // The page shows the answer.
    const page = wordsOf((await get(`/n/${alice.token}`)).body);
    expect(page).toContain('We answered on');
    expect(page).toContain('No new card is needed for this incident.');
  });

  it("answers a deceased customer's representative at her address", async () => {
    const mail = world.messageTo(PEOPLE.ruth, world.incidents.crmAndBilling);
    const token = pageTokenIn(mail);
    const formToken = formTokenIn((await get(`/n/${token}`)).body);
    expect(
      (
        await post(token, [
          ['question', 'What happens to his account?'],
          ['form_token', formToken],
        ])
      ).statusCode,
    ).toBe(303);
    const [q] = (await lookup(referenceIn(mail))).json().items[0].questions;
    const accepted = await answer(q.id, { answer: 'It stays closed.' });
    expect(accepted.json().recipient).toBe(PEOPLE.ruth);
    await eventually(
      async () => world.smtp.messages.filter((m) => m.messageId.includes(`answer.${q.id}@`)).length === 1,
      60_000,
    );
    const sent = world.smtp.messages.find((m) => m.messageId.includes(`answer.${q.id}@`))!;
    expect(sent.envelopeTo).toEqual([PEOPLE.ruth]);
    expect(sent.text).toContain('Dear Ruth Hale');
    expect(sent.text).toContain('the late Harold Hale');
  });

  it("answers in the language of the person's page", async () => {
    const mail = world.messageTo(PEOPLE.bruno, world.incidents.crmAndBilling);
    const token = pageTokenIn(mail);
    const formToken = formTokenIn((await get(`/n/${token}`)).body);
    expect(
      (
        await post(token, [
          ['question', 'Muss ich etwas tun?'],
          ['form_token', formToken],
        ])
      ).statusCode,
    ).toBe(303);
    const [q] = (await lookup(referenceIn(mail))).json().items[0].questions;
    expect((await answer(q.id, { answer: 'Nein, nichts.' })).statusCode).toBe(202);
    const mine = (m: { messageId: string }) => m.messageId.includes(`answer.${q.id}@`);
    await eventually(async () => world.smtp.messages.filter(mine).length === 1, 60_000);
    const sent = world.smtp.messages.find(mine)!;
    expect(sent.envelopeTo).toEqual([PEOPLE.bruno]);
    expect(sent.subject).toBe(`Unsere Antwort auf Ihre Frage – Referenz ${referenceIn(mail)}`);
    expect(sent.text).toContain('Guten Tag Bruno Becker');
    expect(sent.text).toContain('Nein, nichts.');
  });

  it('limits the posts one page may make in a window, refused ones included', async () => {
    // Ruth's page posted one question above: nine more refused ones fill its ten, the next is a 429.
    const token = pageTokenIn(world.messageTo(PEOPLE.ruth, world.incidents.crmAndBilling));
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) {
      codes.push(
        (
          await post(token, [
            ['question', `Try ${i}`],
            ['form_token', 'wrong'],
          ])
        ).statusCode,
      );
    }
    expect(codes).toEqual([...Array<number>(9).fill(400), 429]);
  });

  it(`refuses more than ${MAX_WAITING_QUESTIONS} questions waiting on one case`, async () => {
    const mail = world.messageTo(PEOPLE.alice, world.incidents.billingOnly);
    const token = pageTokenIn(mail);
    const formToken = formTokenIn((await get(`/n/${token}`)).body);
    for (let i = 1; i <= MAX_WAITING_QUESTIONS; i++) {
      expect(
        (
          await post(token, [
            ['question', `Question ${i}`],
            ['form_token', formToken],
          ])
        ).statusCode,
      ).toBe(303);
    }
    const refused = await post(token, [
      ['question', 'One more'],
      ['form_token', formToken],
    ]);
    expect(refused.statusCode).toBe(429);
    expect(wordsOf(refused.body)).toContain('several questions waiting for our answer');
    // What was typed stays in the form.
    expect(refused.body).toContain('>One more</textarea>');
  });

  it('describes the support routes in the OpenAPI document (the page form stays out of it)', async () => {
    const openapi = await world.system.app.inject({ method: 'GET', url: '/docs/json' });
    expect(openapi.statusCode, openapi.body).toBe(200);
    const paths = Object.keys(openapi.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/support/questions', '/api/support/questions/{id}/answer']),
    );
    expect(paths.some((p) => p.startsWith('/n/'))).toBe(false);
  });

  it('records an answer given by phone: out of the queue, its history, shown on the page', async () => {
    const mail = world.messageTo(PEOPLE.alice, world.incidents.billingOnly);
    const [q] = (await lookup(referenceIn(mail))).json().items[0].questions;
    const recorded = await answer(q.id, { answer: 'Called back: nothing to do.', channel: 'phone' });
    expect(recorded.statusCode, recorded.body).toBe(200);
    expect(recorded.json()).toMatchObject({ id: q.id, status: 'closed', channel: 'phone', recipient: null });
    const [after] = (await lookup(referenceIn(mail))).json().items[0].questions;
    expect(after).toMatchObject({
      status: 'closed',
      channel: 'phone',
      answer: 'Called back: nothing to do.',
    });
    expect(after.history.map((e: { action: string }) => e.action)).toEqual([
      'question_asked',
      'question_answered_offline',
    ]);
    const queue = await world.system.app.inject({
      method: 'GET',
      url: '/api/support/questions',
      headers: bearer(world.system.tokens.support),
    });
    expect(queue.json().items.map((i: { id: string }) => i.id)).not.toContain(q.id);
    expect(world.smtp.messages.filter((m) => m.messageId.includes(`answer.${q.id}@`))).toEqual([]);
    const page = wordsOf((await get(`/n/${pageTokenIn(mail)}`)).body);
    expect(page).toContain('We answered you by phone on');
    expect(page).toContain('Called back: nothing to do.');
  });

  it('recovers an answer claimed whose workflow never started: asked again, it is sent once', async () => {
    const mail = world.messageTo(PEOPLE.alice, world.incidents.billingOnly);
    const q = (await lookup(referenceIn(mail))).json().items[0].questions[1];
    // Claimed, then the request died before it started the workflow (Temporal out of reach).
    await requestAnswer(
      { pool: world.db.pool, config: world.system.config },
      actorOf(world.system.staff.support),
      {
        questionId: q.id,
        answer: 'Stuck answer.',
      },
    );
    const mine = (m: { messageId: string }) => m.messageId.includes(`answer.${q.id}@`);
    await new Promise((r) => setTimeout(r, 500));
    expect(world.smtp.messages.filter(mine)).toEqual([]);
    // What the console's "Start sending again" does: the same request, twice.
    for (let i = 0; i < 2; i++) {
      const restarted = await answer(q.id, { answer: 'Another text is ignored while sending.' });
      expect(restarted.statusCode, restarted.body).toBe(202);
    }
    await eventually(async () => world.smtp.messages.filter(mine).length === 1, 60_000);
    await eventually(
      async () => (await lookup(referenceIn(mail))).json().items[0].questions[1].status === 'answered',
      30_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
    const sent = world.smtp.messages.filter(mine);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain('Stuck answer.');
  });

  it('validates the answer and names the field; an unknown question is a 404', async () => {
    const empty = await answer(questionId, { answer: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().message).toContain('answer');
    const unknown = await answer('00000000-0000-4000-8000-000000000000', { answer: 'Hello' });
    expect(unknown.statusCode).toBe(404);
    const extra = await answer(questionId, { answer: 'Hello', to: 'someone@example.org' });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().message).toContain('to');
  });
});
