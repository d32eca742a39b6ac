import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Web API methods each scope is needed for; `commands` is needed by the slash command itself. */
const NEEDED_FOR: Record<string, string[]> = {
  commands: ['/dart'],
  'chat:write': ['chat.postMessage', 'chat.update', 'chat.scheduleMessage'],
  'usergroups:read': ['usergroups.users.list'],
  'users:read': ['users.info', 'users.list'],
};

function sources(folder: string): string {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');
}

describe('manifest.yml', () => {
  it('asks only for bot scopes the app uses (least privilege), and the README lists the same', () => {
    const manifest = readFileSync(join(ROOT, 'manifest.yml'), 'utf8');
    const scopes = [...(manifest.split(/^\s+bot:\s*$/m)[1] ?? '').matchAll(/^\s+- ([a-z:.]+)\s*$/gm)].map((match) => match[1]!);
    expect(scopes.length).toBeGreaterThan(0);
    // The app's own code (not the sandbox or demo, which play Slack).
    const app = ['src/slack', 'src/alerts', 'src/customers', 'src/trade-scripts', 'src/transfers', 'src/audit', 'src/app']
      .map((folder) => sources(join(ROOT, folder)))
      .join('\n');
    for (const scope of scopes) {
      const methods = NEEDED_FOR[scope];
      expect(methods, `${scope} is not known to this test`).toBeDefined();
      const called = (method: string) =>
        method.startsWith('/') ? app.includes(`'${method}'`) : new RegExp(`[cC]lient\\.${method.replaceAll('.', '\\.')}\\(`).test(app);
      expect(methods!.some(called), `${scope} is unused`).toBe(true);
    }
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const sentence = /The bot scopes are ([^.]+)/.exec(readme)?.[1] ?? '';
    expect([...sentence.matchAll(/`([a-z:.]+)`/g)].map((match) => match[1]).sort()).toEqual([...scopes].sort());
  });
});
