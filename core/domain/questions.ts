/**
 * Questions a customer asks on their personal page (issue 17 item 5), and support's answer by
 * email. Pure vocabulary, so workflows may import it; migration 026 restates each set as a CHECK.
 */

/** The longest question the page takes, in characters (the form's maxlength, and a CHECK). */
export const QUESTION_MAX_LENGTH = 2000;

/** The longest answer support may send, in characters. */
export const ANSWER_MAX_LENGTH = 10_000;

/**
 * Where a question stands:
 * - `open` — asked on the page, waiting for support;
 * - `sending` — support wrote the answer; its email is being sent (`sendQuestionAnswer`);
 * - `answered` — the relay accepted the answer; its answer is kept;
 * - `failed` — the relay refused it, or gave no answer after it held the whole message
 *   (`uncertain`: it may have arrived; it is not sent again unless support says so);
 * - `closed` — answered another way (by phone or post: a person without an email address, or one
 *   who called), recorded by support with what they were told.
 */
export const QUESTION_STATUSES = ['open', 'sending', 'answered', 'failed', 'closed'] as const;
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];

/** How support answered: by email (sent by Forthright, exactly once), or by phone or post (recorded). */
export const ANSWER_CHANNELS = ['email', 'phone', 'post'] as const;
export type AnswerChannel = (typeof ANSWER_CHANNELS)[number];

/**
 * Workflow id of the answer to one question (`questionAnswerWorkflow`): answering twice finds the
 * workflow that sends it, never a second one.
 */
export const questionAnswerWorkflowId = (questionId: string) => `question-answer-${questionId}`;

/**
 * The stable Message-ID of a question's answer: every attempt to send it carries the same one, so a
 * relay or mailbox that de-duplicates shows the customer one message.
 */
export function questionAnswerMessageId(questionId: string, senderDomain: string): string {
  return `<answer.${questionId}@${senderDomain}>`;
}
