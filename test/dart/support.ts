import type { SentRequest, SlackUser } from '../../src/sandbox/slack/requests.ts';
import type { Harness } from '../support/harness.ts';

/** The final answer to a command on its response_url (past any "still working" line), as text. */
export async function finalAnswer(h: Harness, sent: SentRequest): Promise<string> {
  const response = await h.slack.waitForResponse((r) => r.id === sent.responseId && !JSON.stringify(r.body).includes('hourglass'), 15_000);
  return JSON.stringify(response.body);
}

/** Sends `/dart <text>` as `user` and returns its final answer as text. */
export async function ask(h: Harness, user: SlackUser, text: string): Promise<string> {
  return finalAnswer(h, await h.requests.slashCommand(user, text));
}
