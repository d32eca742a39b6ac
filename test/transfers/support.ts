import type { RecordedSlackCall } from '../../src/sandbox/slack/standin.ts';
import type { SentRequest, SlackRequests, SlackUser } from '../../src/sandbox/slack/requests.ts';
import { CHANNELS, USERS, type Harness } from '../support/harness.ts';
import { waitUntil } from '../support/webhooks.ts';

/** A confirmation as Slack shows it, and the transfer id its buttons carry. */
export interface PostedTransfer {
  id: string;
  channel: string;
  ts: string;
  blocks: unknown[];
  text: string;
}

/** Runs `/dart transfer <text>` and waits for the requester's ephemeral answer (past any progress line). */
export async function runTransfer(h: Harness, text: string, user: SlackUser = USERS.treasurer, channelId: string = CHANNELS.ops) {
  const sent = await h.requests.slashCommand(user, `transfer ${text}`, { channelId });
  const ack = sent.json as Record<string, unknown> | undefined;
  if (ack?.text !== undefined) return { sent, ack, reply: undefined };
  const reply = await h.slack.waitForResponse((r) => r.id === sent.responseId && !JSON.stringify(r.body).includes('hourglass'), 8000);
  return { sent, ack, reply: reply.body };
}

/** Requests a transfer that must be posted, and returns its confirmation message. */
export async function requestTransfer(h: Harness, text: string, user: SlackUser = USERS.treasurer, channelId: string = CHANNELS.ops) {
  const before = h.slack.callsTo('chat.postMessage').length;
  const { reply } = await runTransfer(h, text, user, channelId);
  const post = h.slack
    .callsTo('chat.postMessage')
    .slice(before)
    .find((call) => call.args.channel === channelId);
  if (!post) throw new Error(`no confirmation was posted; the requester was told: ${JSON.stringify(reply)}`);
  return { posted: postedTransfer(post), reply };
}

/** The confirmation carried by a chat.postMessage call. */
export function postedTransfer(post: RecordedSlackCall): PostedTransfer {
  const blocks = post.args.blocks as Array<{ type: string; elements?: Array<{ value?: string }> }>;
  const id = blocks.find((block) => block.type === 'actions')?.elements?.[0]?.value;
  if (!id || typeof post.result?.ts !== 'string') throw new Error('the confirmation has no buttons or no ts');
  return { id, channel: String(post.args.channel), ts: post.result.ts, blocks, text: String(post.args.text) };
}

/** Presses one of the confirmation's buttons, as `user`, through `requests` (another app instance's, say). */
export function click(
  h: Harness,
  user: SlackUser,
  action: 'confirm' | 'approve' | 'cancel',
  posted: PostedTransfer,
  requests: SlackRequests = h.requests,
) {
  return requests.blockAction(
    user,
    { action_id: `transfer.${action}`, value: posted.id },
    { channelId: posted.channel, message: { ts: posted.ts, blocks: posted.blocks, text: posted.text } },
  );
}

/** The ephemeral answer to a click. */
export async function replyTo(h: Harness, sent: SentRequest): Promise<string> {
  const response = await h.slack.waitForResponse((r) => r.id === sent.responseId, 8000);
  return JSON.stringify(response.body);
}

/** Waits until the confirmation has been redrawn with `words` in it, and returns it as Slack shows it. */
export async function messageShowing(h: Harness, posted: PostedTransfer, words: string, timeoutMs = 8000): Promise<string> {
  await h.slack.waitForCall(
    'chat.update',
    (call) => call.args.ts === posted.ts && call.result?.ok === true && JSON.stringify(call.args).includes(words),
    timeoutMs,
  );
  const shown = h.slack.messages(posted.channel).find((message) => message.ts === posted.ts);
  return JSON.stringify(shown);
}

/** Every call DART received to move money. */
export function transferCalls(h: Harness) {
  return h.dart.callsTo('customer/transfer-amount');
}

/** How many transfers wait for a click or for DART. */
export function pendingTransfers(h: Harness): Promise<number> {
  return h.app.storage.transfers.countPending();
}

/**
 * Waits until no transfer is pending, so a test can then show that it stored none: the
 * sweeper expires what earlier tests left once the test's clock has moved past it.
 */
export async function nothingPending(h: Harness): Promise<void> {
  await waitUntil('no pending transfer', async () => (await pendingTransfers(h)) === 0);
}
