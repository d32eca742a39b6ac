import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, USERS, type Harness } from '../support/harness.ts';
import { click, messageShowing, replyTo, requestTransfer } from './support.ts';

// Red-team finding, fixed (was: low; src/transfers/service.ts #unrecorded → #draw): a click whose value names
// transfer A but whose container is another message is refused (good), and then the app
// chat.updates THAT message, whatever it is, with a "void" rendering of A. When the named
// message is the live confirmation of transfer B (or any other message of the app: an alert,
// an audit line), B's message loses its buttons and shows A; B's row is untouched, so the
// sweeper never repairs it, and B can no longer be confirmed from Slack. Needs a signed
// forgery (Slack itself always sends the real container). Expected: never redraw a message
// the store records for another transfer (or any message the app did not post for A).
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

describe('a stray click never redraws another transfer’s message', () => {
  it('Confirm carrying A’s id on B’s message leaves B’s confirmation as it was', async () => {
    const a = (await requestTransfer(h, 'billyjoel 31')).posted;
    const b = (await requestTransfer(h, 'adaline 32')).posted;
    const forged = { ...b, id: a.id };
    expect(await replyTo(h, await click(h, USERS.treasurer, 'confirm', forged))).toContain('cannot be used');
    // The refusal is sent after any redraw: B's message must still be B's, with its buttons.
    const shown = JSON.stringify(h.slack.messages(b.channel).find((message) => message.ts === b.ts));
    expect(shown).toContain('transfer.confirm');
    expect(shown).toContain('adaline');
    await click(h, USERS.treasurer, 'confirm', b);
    expect(await messageShowing(h, b, 'Transferred')).toContain('adaline');
  });
});
