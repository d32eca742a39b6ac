import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, startHarness, USERS, type Harness } from '../support/harness.ts';
import { click, messageShowing, requestTransfer } from '../transfers/support.ts';

// Audit and history lines say in plain words who did what to whom, with the amount or
// duration, and what DART answered: as the audit channel and `/dart history` show them.

let offsetMs = 0;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { DART_AUDIT_CHANNEL: CHANNELS.audit }, now: () => new Date(Date.now() + offsetMs) });
});
afterAll(() => h.stop());

const tess = `<@${USERS.treasurer.id}>`;
const theo = `<@${USERS.treasurer2.id}>`;
const otto = `<@${USERS.operator.id}>`;

/** The section lines of `/dart history <customer>`. */
async function historyLines(customer: string): Promise<string[]> {
  const sent = await h.requests.slashCommand(USERS.viewer, `history ${customer}`);
  const body = (await h.slack.waitForResponse((response) => response.id === sent.responseId, 8000)).body as {
    blocks: Array<{ type: string; text?: { text: string } }>;
  };
  return body.blocks.filter((block) => block.type === 'section').map((block) => block.text?.text ?? '');
}

const auditPosts = () =>
  h.slack
    .callsTo('chat.postMessage')
    .filter((call) => call.args.channel === CHANNELS.audit)
    .map((call) => JSON.stringify(call.args));

describe('audit and history lines', () => {
  it('an approval: requested by tess, approved by theo, with the amount and DART’s answer', async () => {
    const { posted } = await requestTransfer(h, 'grace 2000');
    await click(h, USERS.treasurer2, 'approve', posted);
    await messageShowing(h, posted, 'Transferred');
    const lines = await historyLines('grace');
    expect(lines[0]).toMatch(
      new RegExp(
        `^:white_check_mark: The transfer of 2,000\\.00 USDC to \`grace\`, requested by ${tess}, approved by ${theo}, was sent to DART · <!date\\^\\d+\\^[^>]+> · succeeded · DART answered “Amount Transferred Successfully\\.”$`,
      ),
    );
    expect(lines[1]).toMatch(new RegExp(`^:memo: ${theo} approved the transfer of 2,000\\.00 USDC to \`grace\`, requested by ${tess} · `));
    expect(lines[2]).toMatch(new RegExp(`^:memo: ${tess} requested the transfer of 2,000\\.00 USDC to \`grace\` · `));
    expect(lines.join('\n')).not.toContain('confirmed by');
    // The audit channel names the customer as customer, not as a user id.
    const post = auditPosts().find((text) => text.includes(posted.id) && text.includes('transfer.execute'));
    expect(post).toContain('customer=`grace`');
    expect(post).not.toContain('userId');
  });

  it('an expiry is nobody’s act; a suspension has its duration; a 500 is said once', async () => {
    const { posted } = await requestTransfer(h, 'adaline 50');
    offsetMs = 11 * 60_000;
    try {
      await click(h, USERS.treasurer, 'confirm', posted);
      await messageShowing(h, posted, 'Expired');
    } finally {
      offsetMs = 0;
    }
    const expired = (await historyLines('adaline'))[0];
    expect(expired).toMatch(
      new RegExp(`^:memo: The transfer of 50\\.00 USDC to \`adaline\`, requested by ${tess}, expired unconfirmed; nothing was sent · `),
    );
    expect(expired).not.toMatch(/ by <@[A-Z0-9]+> ·/);

    const suspended = await h.requests.slashCommand(USERS.operator, 'suspend billyjoel 2d');
    await h.slack.waitForResponse(
      (response) => response.id === suspended.responseId && JSON.stringify(response.body).includes('suspended'),
      8000,
    );
    h.dart.injectFault({ kind: 'status', status: 500 }, { endpoint: 'customer/update-tsp-status' });
    const resumed = await h.requests.slashCommand(USERS.operator, 'resume billyjoel');
    await h.slack.waitForResponse(
      (response) => response.id === resumed.responseId && JSON.stringify(response.body).includes('unknown'),
      8000,
    );
    const [unknown, suspension] = await historyLines('billyjoel');
    expect(unknown).toMatch(
      new RegExp(
        `^:grey_question: ${otto} told DART to allow the trade scripts of \`billyjoel\` · .* · outcome unknown, check in DART · DART answered HTTP 500$`,
      ),
    );
    expect(unknown).not.toContain('DART: DART');
    expect(suspension).toMatch(
      new RegExp(`^:white_check_mark: ${otto} suspended the trade scripts of \`billyjoel\` for 48 hours \\(2 days\\) · `),
    );
  });
});
