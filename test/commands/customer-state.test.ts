import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, USERS, type Harness } from '../support/harness.ts';
import { fixture, postWebhook } from '../support/webhooks.ts';

// What the app knows of a customer's state, on the card and under `/dart scripts`.

const NOW = new Date('2025-03-01T12:00:00.000Z');
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: () => NOW });
});
afterAll(() => h.stop());

type Body = { blocks: Array<{ type: string; elements?: Array<{ action_id?: string }> }> };

async function answer(text: string, user: { id: string; name: string } = USERS.operator): Promise<Body> {
  const sent = await h.requests.slashCommand(user, text);
  return (
    await h.slack.waitForResponse((response) => response.id === sent.responseId && !JSON.stringify(response.body).includes('…'), 8000)
  ).body as unknown as Body;
}

const buttons = (body: Body) => body.blocks.flatMap((block) => block.elements ?? []).map((element) => element.action_id);

describe('the customer’s state, as far as this app knows', () => {
  it('a suspension by this app: the card and /dart scripts say by whom and until when, and the card offers Resume only', async () => {
    await answer('suspend billyjoel 10');
    const until = Math.floor(NOW.getTime() / 1000) + 10 * 3600;
    const card = await answer('customer billyjoel');
    expect(JSON.stringify(card)).toContain(`Suspended by <@${USERS.operator.id}> until <!date^${until}^`);
    expect(buttons(card)).toContain('customer.resume');
    expect(buttons(card)).not.toContain('customer.suspend');
    expect(JSON.stringify(await answer('scripts billyjoel'))).toContain(`Suspended by <@${USERS.operator.id}> until <!date^${until}^`);

    await answer('resume billyjoel');
    const after = await answer('customer billyjoel');
    expect(JSON.stringify(after)).toContain(`Not suspended: <@${USERS.operator.id}> lifted the restriction`);
    expect(buttons(after)).toContain('customer.suspend');
    expect(buttons(after)).not.toContain('customer.resume');
  });

  it('no suspension recorded: says so and offers both, since one may have been set outside this app', async () => {
    const card = await answer('customer adaline');
    expect(JSON.stringify(card)).toContain('No suspension by this app recorded');
    expect(buttons(card)).toEqual(expect.arrayContaining(['customer.suspend', 'customer.resume']));
  });

  it('deactivated and re-activated by DART’s webhooks', async () => {
    const deactivate = { ...fixture('deactivate'), old_dart_user_name: 'grace', new_dart_user_name: 'grace' };
    expect((await postWebhook(h.app.url, '/webhook/customer-deactivate', deactivate)).status).toBe(200);
    expect(JSON.stringify(await answer('customer grace'))).toContain('Deactivated (DART’s deactivate webhook, ');
    expect(JSON.stringify(await answer('scripts grace'))).toContain('Deactivated (DART’s deactivate webhook, ');
    const activate = { ...fixture('activate'), old_dart_user_name: 'grace', new_dart_user_name: 'grace' };
    expect((await postWebhook(h.app.url, '/webhook/customer-activate', activate)).status).toBe(200);
    const card = JSON.stringify(await answer('customer grace'));
    expect(card).toContain('Active (DART’s activate webhook, ');
    expect(card).not.toContain('Deactivated');
  });
});
