import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SlackFault } from '../../src/sandbox/slack/standin.ts';
import type { SlackUser } from '../../src/sandbox/slack/requests.ts';
import { startHarness, USERS, type Harness } from '../support/harness.ts';
import {
  click,
  messageShowing,
  postedTransfer,
  replyTo,
  requestTransfer,
  runTransfer,
  transferCalls,
  type PostedTransfer,
} from './support.ts';

// Slack posts the confirmation but its answer never reaches the app: the app's Web API
// timeout is shortened so that "late" does not make the test slow.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ slackTimeoutMs: 2500 });
});
afterAll(() => h.stop());
beforeEach(() => {
  h.slack.reset();
});

/**
 * Requests `text` while Slack applies the post but answers with `fault`; returns the
 * message as Slack shows it and, still pending, the requester's answer.
 */
async function postUnconfirmed(text: string, fault: SlackFault) {
  h.slack.injectFault('chat.postMessage', fault);
  const requested = runTransfer(h, text);
  const posted = postedTransfer(await h.slack.waitForCall('chat.postMessage'));
  return { posted, requested };
}

/** Presses `action` on `posted` and expects it refused, the message redrawn void, and no DART call. */
async function expectVoidOnPress(posted: PostedTransfer, user: SlackUser, action: 'confirm' | 'approve', calls: number) {
  const answer = await replyTo(h, await click(h, user, action, posted));
  expect(answer).toContain('cannot be used');
  expect(answer).toContain('Nothing was sent');
  const shown = await messageShowing(h, posted, 'Void');
  expect(shown).not.toContain(`transfer.${action}`); // its buttons are gone
  expect(transferCalls(h).length).toBe(calls);
}

describe('Slack posts the confirmation but answers late', () => {
  for (const [text, user, action, label] of [
    ['billyjoel 50', USERS.treasurer, 'confirm', 'a Confirm'],
    ['billyjoel 1500', USERS.treasurer2, 'approve', 'an Approve'],
  ] as const) {
    it(`${label} pressed while the app waits, and after, sends nothing; the requester is told the truth`, async () => {
      const calls = transferCalls(h).length;
      const { posted, requested } = await postUnconfirmed(text, { kind: 'answerLate', ms: 60_000 });
      await expectVoidOnPress(posted, user, action, calls);
      const { reply } = await requested;
      expect(JSON.stringify(reply)).toContain('Slack did not confirm the post; any confirmation that appears cannot be used');
      expect(JSON.stringify(reply)).not.toContain('Nothing was requested');
      // Pressed again once the app has given up on Slack's answer: still refused.
      expect(await replyTo(h, await click(h, user, action, posted))).toContain('cannot be used');
      expect(transferCalls(h).length).toBe(calls);
      const audit = (await h.app.storage.audit.forCustomer('billyjoel', { limit: 5 })).filter((entry) => entry.sent.transfer === posted.id);
      expect(audit.map((entry) => entry.action)).toEqual(['transfer.void']);
    });
  }
});

describe('Slack posts the confirmation and drops the connection', () => {
  for (const [text, user, action, label] of [
    ['billyjoel 60', USERS.treasurer, 'confirm', 'a Confirm'],
    ['billyjoel 1600', USERS.treasurer2, 'approve', 'an Approve'],
  ] as const) {
    it(`the requester is told the truth, and ${label} sends nothing and shows the message void`, async () => {
      const calls = transferCalls(h).length;
      const { posted, requested } = await postUnconfirmed(text, { kind: 'resetAfterApplying' });
      const { reply } = await requested;
      expect(JSON.stringify(reply)).toContain('Slack did not confirm the post; any confirmation that appears cannot be used');
      await expectVoidOnPress(posted, user, action, calls);
      // Requesting again is safe, and works.
      const again = await requestTransfer(h, text);
      expect(again.posted.id).not.toBe(posted.id);
    });
  }
});

describe('a click on a message that is not the recorded one', () => {
  it('is refused and that message shown void; the recorded confirmation still works', async () => {
    const calls = transferCalls(h).length;
    const { posted } = await requestTransfer(h, 'billyjoel 70');
    // A second copy of the confirmation the app never recorded (as if Slack had posted it twice).
    const copy = h.slack.messages(posted.channel).length;
    await h.app.services.webClient.chat.postMessage({ channel: posted.channel, text: posted.text, blocks: posted.blocks as never });
    const stray = { ...posted, ts: h.slack.messages(posted.channel)[copy]!.ts };
    await expectVoidOnPress(stray, USERS.treasurer, 'confirm', calls);
    await click(h, USERS.treasurer, 'confirm', posted);
    await messageShowing(h, posted, 'Transferred');
    expect(transferCalls(h).length).toBe(calls + 1);
  });
});
