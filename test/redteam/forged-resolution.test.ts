import { afterEach, describe, expect, it } from 'vitest';
import { CHANNELS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { nextCall, submitView, viewOf, type OpenedView } from '../support/modals.ts';
import { click, messageShowing, pressMark, requestTransfer, transferCalls, unknownTransfer } from '../transfers/support.ts';

// Red team: a resolution form replayed with another transfer's id in its metadata (as a
// forged or stale submission would carry), aimed at transfers that are not unknown: one
// still executing, one that succeeded, one waiting for its confirmation. Nothing changes.
let h: Harness;
afterEach(() => h.stop());

/** A genuine resolution form, re-aimed at transfer `id`. */
function aimedAt(view: OpenedView, id: string): OpenedView {
  const metadata = JSON.parse(view.private_metadata) as Record<string, unknown>;
  return { ...view, private_metadata: JSON.stringify({ ...metadata, id }) };
}

describe('a resolution submitted for a transfer that is not unknown', () => {
  it('is refused for an executing, a succeeded and a waiting transfer, and from a non-treasurer; messages keep their state, DART is not called', async () => {
    h = await startHarness({ env: { DART_AUDIT_CHANNEL: CHANNELS.audit, DART_TIMEOUT_MS: '8000' } });
    const unknown = await unknownTransfer(h, 'billyjoel 11');
    const opened = nextCall(h, 'views.open');
    await pressMark(h, USERS.treasurer2, 'not_sent', unknown);
    const form = viewOf(await opened);

    const waiting = (await requestTransfer(h, 'billyjoel 12')).posted;
    const done = (await requestTransfer(h, 'billyjoel 13')).posted;
    await click(h, USERS.treasurer, 'confirm', done);
    await messageShowing(h, done, 'Transferred');
    const executing = (await requestTransfer(h, 'billyjoel 14')).posted;
    h.dart.setLatency(1500);
    await click(h, USERS.treasurer, 'confirm', executing);
    await messageShowing(h, executing, 'Executing');

    // The genuine form submitted by someone who is not a treasurer (a viewer, an operator) changes nothing either.
    for (const user of [USERS.viewer, USERS.operator]) {
      expect(JSON.stringify((await submitView(h, user, form, { note: 'forged' })).json)).toContain('treasurer');
    }
    expect(JSON.stringify(h.slack.messages(unknown.channel).find((message) => message.ts === unknown.ts))).toContain('transfer.mark_sent');
    for (const target of [executing, done, waiting]) {
      const answer = JSON.stringify((await submitView(h, USERS.treasurer2, aimedAt(form, target.id), { note: 'forged' })).json);
      expect(answer).toContain('Not changed');
    }
    await messageShowing(h, executing, 'Transferred');
    const calls = transferCalls(h).length;
    await click(h, USERS.treasurer, 'confirm', waiting);
    await messageShowing(h, waiting, 'Transferred');
    expect(transferCalls(h).length).toBe(calls + 1);
    expect(JSON.stringify(h.slack.calls)).not.toContain('forged');
  });
});
