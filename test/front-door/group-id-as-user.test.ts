import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, USERS, type Harness } from '../support/harness.ts';
import { click, messageShowing, requestTransfer, transferCalls } from '../transfers/support.ts';

// Red-team finding, fixed (was: src/slack/access.ts, AccessControl #listed: `principals.includes(userId)`; the gate in
// src/slack/routes.ts takes any non-empty `user.id` via actingUserId): a role list may name a
// user group (`S…`). A signed click whose user.id IS that group id matches the list entry
// itself, so it is let through as a treasurer, and its Approve executes a 2,000 USDC transfer.
// The same class of forgery as issue 10 item 6 (a signed approval "as nobody"), by another
// way. Expected: an acting id that is not a Slack user id (U…/W…) is refused by the gate, and
// a group id in a role list only ever matches the group's members.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { DART_TREASURERS: `S0TREASURY,${USERS.treasurer.id}` },
    userGroups: { S0TREASURY: [USERS.treasurer2.id] },
  });
});
afterAll(() => h.stop());

const noUserRefusals = () => h.logs.filter((line) => line.includes('Slack request refused') && line.includes('"reason":"no_user"')).length;

describe('a user-group id used as the clicking user', () => {
  it('an Approve signed as user "S0TREASURY" is refused and sends nothing', async () => {
    const { posted } = await requestTransfer(h, 'billyjoel 2000');
    const before = transferCalls(h).length;
    const refused = noUserRefusals();
    await click(h, { id: 'S0TREASURY', name: 'group' }, 'approve', posted);
    // Refused at the gate before the click is acked: nothing is sent, then or later.
    expect(noUserRefusals()).toBe(refused + 1);
    expect(transferCalls(h).length).toBe(before);
    // A member of the group still approves.
    await click(h, USERS.treasurer2, 'approve', posted);
    await messageShowing(h, posted, 'Transferred');
    expect(transferCalls(h).length).toBe(before + 1);
  });
});
