import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { answerEmail, databaseStep } from './activity-options';
import { sendOrGiveUp } from './send-once';
import type { QuestionAnswerWorkflowInput } from './types';

const { sendQuestionAnswer } = proxyActivities<Activities>(answerEmail);
const { giveUpQuestionAnswer } = proxyActivities<Activities>(databaseStep);

/**
 * Sends support's answer to a customer's question by email, exactly once
 * (core/use-cases/questions.ts): the activity sends it, or finds it sent, or marks it failed — never
 * a second message the relay may already hold. After the retries the answer is given up as failed,
 * for support to see in the lookup. The workflow id is the question's (`questionAnswerWorkflowId`),
 * so answering twice finds the running one. Ids and a status only pass through the history.
 */
export async function questionAnswerWorkflow(
  input: QuestionAnswerWorkflowInput,
): Promise<{ questionId: string; status: string }> {
  return sendOrGiveUp(
    () => sendQuestionAnswer(input.questionId),
    (reason) => giveUpQuestionAnswer({ questionId: input.questionId, reason }),
  );
}
