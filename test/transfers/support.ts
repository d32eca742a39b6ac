import type { RecordedSlackCall } from '../../src/sandbox/slack/standin.ts';
import type { SentRequest, SlackRequests, SlackUser } from '../../src/sandbox/slack/requests.ts';
import { CHANNELS, USERS, type Harness } from '../support/harness.ts';

/** What the helpers below use of a harness: its Slack requests and both stand-ins (an app in a child process has them too). */
export type Parties = Pick<Harness, 'requests' | 'slack' | 'dart'>;

/** A confirmation as Slack shows it, and the transfer id its buttons carry. */
export interface PostedTransfer {
  id: string;
  channel: string;
  ts: string;
  blocks: unknown[];
  text: string;
}

/** Runs `/dart transfer <text>` and waits for the requester's ephemeral answer (past any progress line). */
export async function runTransfer(h: Parties, text: string, user: SlackUser = USERS.treasurer, channelId: string = CHANNELS.ops) {
  const sent = await h.requests.slashCommand(user, `transfer ${text}`, { channelId });
  const ack = sent.json as Record<string, unknown> | undefined;
  if (ack?.text !== undefined) return { sent, ack, reply: undefined };
  const reply = await h.slack.waitForResponse((r) => r.id === sent.responseId && !JSON.stringify(r.body).includes('hourglass'), 8000);
  return { sent, ack, reply: reply.body };
}

/** Requests a transfer that must be posted, and returns its confirmation message. */
export async function requestTransfer(h: Parties, text: string, user: SlackUser = USERS.treasurer, channelId: string = CHANNELS.ops) {
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
  h: Parties,
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
export async function replyTo(h: Parties, sent: SentRequest): Promise<string> {
  const response = await h.slack.waitForResponse((r) => r.id === sent.responseId, 8000);
  return JSON.stringify(response.body);
}

/** Waits until the confirmation has been redrawn with `words` in it, and returns it as Slack shows it. */
export async function messageShowing(h: Parties, posted: PostedTransfer, words: string, timeoutMs = 8000): Promise<string> {
  await h.slack.waitForCall(
    'chat.update',
    (call) => call.args.ts === posted.ts && call.result?.ok === true && JSON.stringify(call.args).includes(words),
    timeoutMs,
  );
  const shown = h.slack.messages(posted.channel).find((message) => message.ts === posted.ts);
  return JSON.stringify(shown);
}

/** Every call DART received to move money. */
export function transferCalls(h: Parties) {
  return h.dart.callsTo('customer/transfer-amount');
}

/**
 * How many transfers wait for a click or for DART at `now` (a refused request adds none).
 * What is past due is expired first, as the sweeper would at any moment, so the count
 * does not race it.
 */
export async function pendingTransfers(h: Harness, now: Date): Promise<number> {
  await h.app.storage.transfers.expireDue(now);
  return h.app.storage.transfers.countPending();
}

/**
 * Runs `/dart <text>` and returns everything the caller was told: the ack's text, or the
 * answers posted to the command's response_url once `until` appears in them.
 */
export async function runCommand(
  h: Harness,
  user: SlackUser,
  text: string,
  until: string,
  channelId: string = CHANNELS.ops,
): Promise<string> {
  const sent = await h.requests.slashCommand(user, text, { channelId });
  const ack = sent.json as Record<string, unknown> | undefined;
  if (ack?.text !== undefined) return JSON.stringify(ack);
  await h.slack.waitForResponse((r) => r.id === sent.responseId && JSON.stringify(r.body).includes(until), 8000);
  return JSON.stringify(h.slack.responses.filter((r) => r.id === sent.responseId).map((r) => r.body));
}

/** The transfer's message as Slack shows it now (blocks and text). */
export function currentMessage(h: Harness, posted: PostedTransfer): { ts: string; blocks: unknown[]; text: string } {
  const shown = h.slack.messages(posted.channel).find((message) => message.ts === posted.ts);
  if (!shown) throw new Error('the transfer message is gone');
  return { ts: posted.ts, blocks: (shown.blocks ?? []) as unknown[], text: String(shown.text ?? '') };
}

/** Presses Mark as sent / Mark as not sent on the message as it is now. */
export function pressMark(h: Harness, user: SlackUser, outcome: 'sent' | 'not_sent', posted: PostedTransfer) {
  return h.requests.blockAction(
    user,
    { action_id: outcome === 'sent' ? 'transfer.mark_sent' : 'transfer.mark_not_sent', value: posted.id },
    { channelId: posted.channel, message: currentMessage(h, posted) },
  );
}

/** Requests `text`, confirms it while DART answers 500, and returns it once shown as unknown. */
export async function unknownTransfer(h: Harness, text: string): Promise<PostedTransfer> {
  const { posted } = await requestTransfer(h, text);
  h.dart.injectFault({ kind: 'status', status: 500 }, { endpoint: 'customer/transfer-amount' });
  await click(h, USERS.treasurer, 'confirm', posted);
  await messageShowing(h, posted, 'Outcome unknown');
  return posted;
}
