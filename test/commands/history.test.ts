import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryInput } from '../../src/audit/repository.ts';
import { startHarness, USERS, type Harness } from '../support/harness.ts';
import { fixture, postWebhook } from '../support/webhooks.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const minute = 60_000;

function entry(customer: string, at: number, answer: string): AuditEntryInput {
  return {
    action: 'tsp.suspend',
    customer,
    requestedBy: USERS.operator.id,
    sent: {},
    outcome: 'succeeded',
    dartAnswer: answer,
    at: new Date(at),
  };
}

type Body = {
  blocks: Array<{ type: string; text?: { text: string }; elements?: Array<{ action_id: string; value: string }> }>;
  text: string;
};

/** The answer to `/dart history <customer>` (or an Older click with `value`). */
async function page(customer: string, value?: string, user: { id: string; name: string } = USERS.viewer): Promise<Body> {
  const sent = value
    ? await h.requests.blockAction(user, { action_id: 'history.older', value })
    : await h.requests.slashCommand(user, `history ${customer}`);
  expect(sent.status).toBe(200);
  return (await h.slack.waitForResponse((response) => response.id === sent.responseId, 8000)).body as unknown as Body;
}

/** The `entry-N` markers of a page, in the order shown. */
const markers = (body: Body) => body.blocks.flatMap((block) => /entry-\d+|webhook-\d+/.exec(block.text?.text ?? '')?.[0] ?? []);
const olderValue = (body: Body) =>
  body.blocks.find((block) => block.type === 'actions')?.elements?.find((e) => e.action_id === 'history.older')?.value;

describe('/dart history', () => {
  it('shows the app’s writes for a customer, newest first, and does not call DART', async () => {
    const suspend = await h.requests.slashCommand(USERS.operator, 'suspend billyjoel 3');
    await h.slack.waitForResponse((response) => response.id === suspend.responseId);
    const resume = await h.requests.slashCommand(USERS.operator, 'resume billyjoel');
    await h.slack.waitForResponse((response) => response.id === resume.responseId);
    const before = h.dart.calls.length;
    const body = await page('billyjoel');
    expect(h.dart.calls.length).toBe(before);
    const lines = body.blocks.filter((block) => block.type === 'section').map((block) => block.text?.text ?? '');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`<@${USERS.operator.id}> told DART to allow the trade scripts of \`billyjoel\``);
    expect(lines[1]).toContain(`<@${USERS.operator.id}> suspended the trade scripts of \`billyjoel\` for 3 hours`);
    expect(lines[1]).toContain(`<@${USERS.operator.id}>`);
    expect(olderValue(body)).toBeUndefined();
  });

  it('includes the webhooks DART sent about the customer, under their old or new user name', async () => {
    const renamed = { ...fixture('update'), old_dart_user_name: 'historyold', new_dart_user_name: 'historynew' };
    expect((await postWebhook(h.app.url, '/webhook/customer-update', renamed)).status).toBe(200);
    for (const name of ['historyold', 'historynew']) {
      const body = await page(name);
      expect(JSON.stringify(body)).toContain('DART webhook');
      expect(JSON.stringify(body)).toContain('historynew');
    }
  });

  it('follows renames: after lmm became linmm, linmm’s history shows what the app did for lmm (cycles bounded)', async () => {
    await h.app.services.audit.record(entry('lmm', T0, 'entry-under-old-name'));
    const renamed = { ...fixture('update'), old_dart_user_name: 'lmm', new_dart_user_name: 'linmm' };
    expect((await postWebhook(h.app.url, '/webhook/customer-update', renamed)).status).toBe(200);
    // And back again: a cycle must neither hang nor double anything.
    const back = { ...fixture('update'), old_dart_user_name: 'linmm', new_dart_user_name: 'lmm' };
    expect((await postWebhook(h.app.url, '/webhook/customer-update', back)).status).toBe(200);
    const body = await page('linmm');
    const shown = JSON.stringify(body);
    expect(shown).toContain('entry-under-old-name');
    expect(shown).toContain('Also under `lmm`: DART reported a change of user name.');
    expect(shown.match(/entry-under-old-name/g)).toHaveLength(1);
    expect(JSON.stringify(await page('lmm'))).toContain('entry-under-old-name');
  });

  it('says “entry 11”, not “entries 11–11”, for a last page of one', async () => {
    for (let i = 0; i < 11; i += 1) await h.app.services.audit.record(entry('elevens', T0 + i * minute, `eleven-${i}`));
    const second = await page('elevens', olderValue(await page('elevens')));
    expect(JSON.stringify(second)).toContain('Newest first · entry 11');
    expect(JSON.stringify(second)).not.toContain('11–11');
  });

  it('says when nothing is recorded', async () => {
    const body = await page('neverseen');
    expect(JSON.stringify(body)).toContain('Nothing recorded for `neverseen` yet');
  });

  it('pages ten at a time with an Older button, never losing or doubling entries that share a millisecond', async () => {
    // 22 distinct times, and 3 more entries at the 10th newest time: 25 entries.
    let n = 0;
    for (let i = 0; i < 22; i += 1) await h.app.services.audit.record(entry('pagey', T0 + i * minute, `entry-${n++}`));
    for (let i = 0; i < 3; i += 1) await h.app.services.audit.record(entry('pagey', T0 + 12 * minute, `entry-${n++}`));

    const first = await page('pagey');
    expect(markers(first)).toHaveLength(10);
    expect(markers(first).slice(0, 3)).toEqual(['entry-21', 'entry-20', 'entry-19']);
    expect(JSON.stringify(first)).toContain('entries 1–10');
    const second = await page('pagey', olderValue(first));
    expect(markers(second)).toHaveLength(10);
    expect(JSON.stringify(second)).toContain('entries 11–20');
    const third = await page('pagey', olderValue(second));
    expect(markers(third)).toEqual(['entry-4', 'entry-3', 'entry-2', 'entry-1', 'entry-0']);
    expect(olderValue(third)).toBeUndefined();

    const all = [...markers(first), ...markers(second), ...markers(third)];
    expect(new Set(all).size).toBe(25);
    // The four entries at the shared time are shown together, newest recorded first.
    const tied = all.filter((marker) => ['entry-12', 'entry-22', 'entry-23', 'entry-24'].includes(marker));
    expect(tied).toEqual(['entry-24', 'entry-23', 'entry-22', 'entry-12']);
  });

  it('merges another capability’s source by time, and says when a source cannot be read', async () => {
    await h.app.services.audit.record(entry('mergey', T0 + 2 * minute, 'entry-audit-late'));
    await h.app.services.audit.record(entry('mergey', T0, 'entry-audit-early'));
    h.app.services.history.add({
      name: 'webhooks',
      entriesFor: (customers, { limit, before }) =>
        !customers.includes('mergey')
          ? []
          : [3, 1]
              .map((minutes) => ({ at: new Date(T0 + minutes * minute), line: `:bell: webhook-${minutes}` }))
              .filter((item) => !before || item.at < before)
              .slice(0, limit),
    });
    h.app.services.history.add({
      name: 'flaky source',
      entriesFor: (customers) => {
        if (customers.includes('mergey')) throw new Error('down');
        return [];
      },
    });
    const body = await page('mergey');
    const lines = body.blocks.filter((block) => block.type === 'section').map((block) => block.text?.text ?? '');
    expect(lines.map((line) => /webhook-\d|entry-audit-\w+/.exec(line)?.[0])).toEqual([
      'webhook-3',
      'entry-audit-late',
      'webhook-1',
      'entry-audit-early',
    ]);
    expect(JSON.stringify(body)).toContain('Could not read flaky source');
  });

  it('is refused to someone without a role, and checks the user name', async () => {
    const refused = await h.requests.slashCommand(USERS.stranger, 'history billyjoel');
    expect(JSON.stringify(refused.json)).toContain('*viewer* role');
    const bad = await h.requests.slashCommand(USERS.viewer, 'history <!channel>');
    expect(JSON.stringify(bad.json)).toContain('Bad &lt;user&gt;');
    const click = await h.requests.blockAction(USERS.stranger, { action_id: 'history.older', value: '{"u":"pagey","t":1,"s":0,"n":10}' });
    expect(JSON.stringify((await h.slack.waitForResponse((response) => response.id === click.responseId)).body)).toContain('*viewer* role');
  });
});
