import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, USERS, type Harness } from '../support/harness.ts';
import { ROOT } from '../support/processes.ts';
import { requestTransfer, runTransfer } from '../transfers/support.ts';

// Wording as Slack shows it: no "expires at Today at", no "anyone" who may not, no
// "Activated: not activated", and one order of commands in help, README and manifest.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { DART_VIEWERS: '*' } });
});
afterAll(() => h.stop());

async function answer(text: string, user: { id: string; name: string } = USERS.treasurer): Promise<string> {
  const sent = await h.requests.slashCommand(user, text);
  if ((sent.json as { text?: string } | undefined)?.text !== undefined) return JSON.stringify(sent.json);
  return JSON.stringify(
    (await h.slack.waitForResponse((response) => response.id === sent.responseId && !JSON.stringify(response.body).includes('…'), 8000))
      .body,
  );
}

describe('wording', () => {
  it('a transfer request says how long it stays valid, and that only another treasurer may approve', async () => {
    const { reply } = await runTransfer(h, 'billyjoel 50');
    expect(JSON.stringify(reply)).toMatch(/It expires in 10 minutes \(<!date\^\d+\^\{date_short_pretty\} at \{time\}\|[^>]+>\)\./);
    expect(JSON.stringify(reply)).not.toContain('expires at');
    const { posted } = await requestTransfer(h, 'billyjoel 1500');
    expect(JSON.stringify(posted.blocks)).toContain(`any treasurer other than <@${USERS.treasurer.id}> may *Approve*`);
    expect(JSON.stringify(posted.blocks)).not.toContain('anyone but');
  });

  it('a trade script never activated reads “Activated: not yet”', async () => {
    const shown = await answer('scripts grace');
    expect(shown).toContain('*Activated*\\nnot yet');
    expect(shown).not.toContain('not activated');
  });

  it('help, the README and the manifest list the commands in one order', async () => {
    const help = await answer('help', USERS.treasurer);
    const inHelp = [...help.matchAll(/`\/dart (\w+)/g)].map((match) => match[1]);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Commands'), readme.indexOf('## HTTP routes'));
    const inReadme = [...table.matchAll(/^\| `\/dart(?:`, `\/dart)? (\w+)/gm)].map((match) => match[1]);
    const hint = /usage_hint: "([^"]+)"/.exec(readFileSync(join(ROOT, 'manifest.yml'), 'utf8'))?.[1] ?? '';
    const inManifest = hint.split(' | ').map((part) => part.split(' ')[0]);
    expect(inReadme).toEqual(inManifest);
    // Help shows what the caller may run, in that same order.
    expect(inHelp).toEqual(inManifest.filter((name) => inHelp.includes(name)));
    expect(inHelp.length).toBeGreaterThan(5);
  });
});
