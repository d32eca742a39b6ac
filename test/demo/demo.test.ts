import { once } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runConsole } from '../../src/demo/console.ts';
import { startDemoWorld, type RunningDemo } from '../../src/demo/world.ts';
import { startNode, stopChildren } from '../support/processes.ts';

afterEach(stopChildren);

// `npm run demo` end to end: the real app, the DART sandbox and the Slack stand-in,
// driven through the console's scripted mode as a person (or CI) would.

/** Runs `node src/demo/main.ts` with `script` on stdin; resolves with its output and exit code. */
async function runDemoProcess(script: string[]): Promise<{ out: string; err: string; code: number | null }> {
  let out = '';
  let err = '';
  const run = startNode('src/demo/main.ts', { TZ: 'UTC' }, { stdin: script.map((line) => `${line}\n`).join('') });
  run.child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  run.child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const code = await run.exited;
  return { out, err, code };
}

function logDirOf(out: string): string {
  const log = /app logs\s+(\S+app\.log)/.exec(out)?.[1];
  if (log === undefined) throw new Error(`no log file in the banner:\n${out}`);
  return dirname(log);
}

describe('npm run demo (spawned, scripted through stdin)', () => {
  it('a session through every capability: create, look up, edit, suspend, transfer with approval, webhook, history', async () => {
    const {
      out: printed,
      err,
      code,
    } = await runDemoProcess([
      '/dart create',
      'Ada',
      'Byron',
      'adabyron',
      'not-an-email',
      '',
      'ada@example.com',
      '/dart balance billyjoel',
      '/dart edit billyjoel',
      'William',
      '',
      '',
      '',
      '/dart suspend billyjoel 2d',
      '/dart resume billyjoel',
      'as tess',
      '/dart transfer billyjoel 50',
      'press Confirm',
      'press Approve',
      '/dart transfer billyjoel 1500',
      'press Approve',
      'as theo',
      'press Approve',
      'fire withdrawal billyjoel 50',
      '/dart history billyjoel',
      'exit',
    ]);
    rmSync(logDirOf(printed), { recursive: true, force: true });
    expect(err).toBe('');
    expect(code).toBe(0);
    // Lines are wrapped at the terminal's width; compare with white space folded.
    const out = printed.replace(/\s+/g, ' ');
    // Create: the bad email is caught in the form, then DART creates the customer.
    expect(out).toContain('! Email: Not a valid email address');
    expect(out).toContain('Created adabyron in DART.');
    expect(out).toContain('980.04 USDC');
    expect(out).toContain('First name: Billy → William');
    expect(out).toContain('for 48 hours (2');
    expect(out).toMatch(/resumed|lifted/i);
    // Transfers: below the threshold the requester confirms; above it a second treasurer approves.
    expect(out).toContain('Transfer of 50.00 USDC');
    expect(out).toContain('Transfer of 1,500.00 USDC');
    expect(out).toMatch(/Transferred · DART answered: Amount Transferred Successfully/);
    expect(out).toContain('No button [Approve] is on screen');
    expect(out).toMatch(/may not approve|cannot approve|own transfer/i);
    expect(out).toMatch(/Approved by @theo/);
    expect(out.match(/Transferred · DART answered/g)?.length).toBeGreaterThanOrEqual(2);
    expect(out).toMatch(/#withdrawals · DART [^#]*billyjoel withdrew 50\.00 USDC/);
    expect(out).toContain('History of billyjoel');
    expect(out).toContain('(DART webhook)');
  });

  it('the treasury controls: a daily limit, a freeze only another treasurer lifts, and an unknown transfer marked as sent', async () => {
    const {
      out: printed,
      err,
      code,
    } = await runDemoProcess([
      'as tess',
      '/dart transfer billyjoel 1900',
      'as theo',
      'press Approve',
      'as tess',
      '/dart transfer billyjoel 500',
      '/dart freeze checking a suspicious login',
      '/dart transfer adaline 20',
      '/dart unfreeze',
      'as theo',
      '/dart unfreeze',
      'as tess',
      '/dart transfer adaline 30',
      'dart fail 500 1',
      'press Confirm',
      '/dart transfers',
      'as theo',
      'press Mark as sent',
      'Ledger shows 30.00 USDC in the main wallet',
      '/dart history adaline',
      'exit',
    ]);
    rmSync(logDirOf(printed), { recursive: true, force: true });
    expect(err).toBe('');
    expect(code).toBe(0);
    const out = printed.replace(/\s+/g, ' ');
    expect(out).toContain('Transferred · DART answered');
    expect(out).toContain('At most 2,000.00 USDC may go to billyjoel in any 24 hours (TRANSFER_DAILY_LIMIT)');
    expect(out).toContain('at most 100.00 USDC may go now');
    expect(out).toContain('froze all transfers: “checking a suspicious login”');
    expect(out).toMatch(/Transfers are frozen since .* by @tess: “checking a suspicious login”\. Nothing was requested\./);
    expect(out).toContain('Only a treasurer other than @tess, who froze transfers, may lift the freeze');
    expect(out).toContain('@theo lifted the freeze');
    expect(out).toContain('Outcome unknown');
    expect(out).toMatch(/1 transfer needs someone now/);
    expect(out).toContain('Marked as sent by @theo');
    expect(out).toContain('Ledger shows 30.00 USDC in the main wallet');
    expect(out).toMatch(/@theo marked the transfer of 30\.00 USDC to adaline, whose outcome was unknown, as sent after checking DART/);
  });

  it('runs a whole session against the real app and exits cleanly, leaving only its log', async () => {
    const { out, err, code } = await runDemoProcess([
      'help',
      '/dart help',
      '/dart balance billyjoel',
      '/dart customer billyjoel',
      '2',
      'press 1',
      '/dart scripts grace',
      '/dart token billyjoel Chaos',
      '/dart balance <!channel>',
      '/dart nonsense',
      '/other',
      'as sam',
      '/dart balance billyjoel',
      'as vera',
      'whoami',
      'dart slow 2',
      '/dart balance adaline',
      'dart ok',
      'dart fail 503 3',
      '/dart balance grace',
      'dart hang',
      '/dart token grace Chaos',
      'dart ok',
      'dart customers',
      'dart calls 1',
      'wait 10',
      '# a comment is ignored',
      'frobnicate',
      'exit',
      '/dart balance billyjoel', // never read: exit stops the session
    ]);
    const logDir = logDirOf(out);
    try {
      expect(err).toBe('');
      expect(code).toBe(0);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the terminal's escape character is the point
      expect(out).not.toMatch(/\x1b\[/); // scripted output is plain text
      // Banner: where things run and where the logs are.
      expect(out).toMatch(/app\s+http:\/\/127\.0\.0\.1:\d+/);
      expect(out).toContain('DART timeout 5 s in the demo (DART_TIMEOUT_MS; 10 s by default), so dart slow 5 or more times out');
      expect(out).toContain('You are ana (operator and treasurer), typing in #ops.');
      // help lists the console's commands.
      for (const command of [
        'press <n>',
        'as <name>',
        'whoami',
        'fire withdrawal <user> <amount>',
        'dart slow <seconds>',
        'dart fail <status>',
        'dart hang',
        'dart ok',
        'dart customers',
        'wait <ms>',
        'exit',
      ]) {
        expect(out).toContain(command);
      }
      // /dart help from the app, ephemeral.
      expect(out).toContain('ana> /dart help\n\n#ops · DART · only visible to you\n  /dart commands you may run');
      // The balance, 980.04.
      expect(out).toContain(
        'ana> /dart balance billyjoel\n\n#ops · DART · only visible to you\n  USDC balance of billyjoel\n  980.04 USDC',
      );
      // The customer card with its buttons, pressed by number and with press.
      expect(out).toContain('  Billy Joel\n');
      expect(out).toContain('billy@gmail.com');
      expect(out).toContain('[1] Balance  [2] Trade scripts');
      expect(out).toContain('ana pressed [2] Trade scripts\n\n#ops · DART · only visible to you\n  Trade scripts of billyjoel');
      expect(out).toContain('Full Velocity Members Only');
      expect(out).toContain('ana pressed [1] Balance\n\n#ops · DART · only visible to you\n  USDC balance of billyjoel\n  980.04 USDC');
      expect(out).toContain('Steady Growth');
      expect(out).toContain('  Chaos token value of billyjoel\n  19.96 USDC');
      // Bad input is answered at once with the usage.
      expect(out).toContain('Bad <user>');
      expect(out).toContain('Usage: /dart balance <user>');
      expect(out).toContain('Unknown command nonsense.');
      expect(out).toContain('/other is not a valid command.');
      // Roles: sam holds none and is refused; vera is a viewer.
      expect(out).toContain('You are sam (U0STRANG01), roles: none');
      expect(out).toContain(
        'sam> /dart balance billyjoel\n\n#ops · DART · only visible to you\n  /dart balance needs the viewer role (DART_VIEWERS).',
      );
      expect(out).toContain('You are vera (U0VIEWER01), roles: viewer');
      // A slow DART: progress first, then the answer replaces it.
      expect(out).toContain(
        '  ⏳ Fetching the balance of adaline from DART…\n\n#ops · DART · only visible to you · (edited)\n  USDC balance of adaline\n  12,500.00 USDC',
      );
      // A failing DART (reads are retried, then the person is told).
      expect(out).toContain('The next 3 DART calls will fail with HTTP 503.');
      expect(out).toMatch(/vera> \/dart balance grace\n\n#ops · DART · only visible to you\n {2}⚠️ DART/);
      // A hung DART: the app gives up after its timeout and says so.
      expect(out).toContain('vera> /dart token grace Chaos');
      expect(out).toContain('did not answer in time');
      // The sandbox's customers and calls.
      expect(out).toMatch(/billyjoel\s+Billy Joel\s+billy@gmail\.com\s+980\.04 USDC\s+active/);
      expect(out).toMatch(/GET customer\/token-value {2}dart_user_name=grace token=Chaos/);
      expect(out).toContain('Unknown command "frobnicate". Type help');
      // exit stops the session: the line after it is never run.
      expect(out.split('vera> exit\n')[1]).toBe(`Stopped. The app's logs are kept in ${logDir}/app.log\n`);
      // The throw-away database is gone; the log stays, and holds the app's lines.
      expect(existsSync(`${logDir}/demo.db`)).toBe(false);
      expect(existsSync(`${logDir}/app.log`)).toBe(true);
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('stops everything on SIGINT while waiting for input', async () => {
    const { child } = startNode('src/demo/main.ts', {}, { stdin: 'open' });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    while (!out.includes('Try: /dart balance billyjoel')) await once(child.stdout!, 'data');
    const appUrl = /app\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect((await fetch(`${appUrl}/healthz`)).status).toBe(200);
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    rmSync(logDirOf(out), { recursive: true, force: true });
    expect(code).toBe(0);
    await expect(fetch(`${appUrl}/healthz`)).rejects.toThrow();
  });
});

describe('webhooks from the console', () => {
  let demo: RunningDemo;
  beforeAll(async () => {
    demo = await startDemoWorld();
  });
  afterAll(async () => {
    await demo.stop();
    rmSync(demo.tempDir, { recursive: true, force: true });
  });

  async function session(lines: string[]): Promise<string> {
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
    await runConsole({ input: Readable.from(lines.map((line) => `${line}\n`)), output, world: demo });
    return printed;
  }

  it('fires each webhook as a real POST with the secret to the app, which shows each as an alert', async () => {
    const out = await session([
      'fire activate adaline',
      'fire update billyjoel billy',
      'fire deactivate grace',
      'fire withdrawal billy 50',
      'fire exit billy 2 Full Velocity Members Only',
      'fire withdrawal billy 1.234',
      'fire',
      'exit',
    ]);
    const bodies = {
      'customer-activate': '{"message":"External customer activated.","old_dart_user_name":"adaline","new_dart_user_name":"adaline"}',
      'customer-update':
        '{"message":"External customer information updated","old_dart_user_name":"billyjoel","new_dart_user_name":"billy"}',
      'customer-deactivate': '{"message":"External customer deactivated.","old_dart_user_name":"grace","new_dart_user_name":"grace"}',
      withdrawal:
        '{"message":"External customer withdraw from trade script.","old_dart_user_name":"billy","new_dart_user_name":"billy","amount":"50.00","trade_script_name":"Full Velocity Members Only"}',
      exit: '{"message":"External customer exit from trade script.","old_dart_user_name":"billy","new_dart_user_name":"billy","amount":"2.00","trade_script_name":"Full Velocity Members Only"}',
    };
    expect(out).toContain(`DART → POST /webhook/customer-activate ${bodies['customer-activate']}`);
    expect(out).toContain(`DART → POST /webhook/customer-update ${bodies['customer-update']}`);
    expect(out).toContain(`DART → POST /webhook/customer-deactivate ${bodies['customer-deactivate']}`);
    expect(out).toContain(`DART → POST /webhook/trade-script-withdrawal ${bodies.withdrawal}`);
    expect(out).toContain(`DART → POST /webhook/trade-script-withdrawal ${bodies.exit}`);
    const statuses = [...out.matchAll(/DART ← (\d{3})/g)].map((match) => match[1]);
    expect(statuses).toHaveLength(5);
    for (const status of statuses) expect(status).toBe('200');
    // Lines are wrapped at the terminal's width; compare with white space folded.
    const flat = out.replace(/\s+/g, ' ');
    expect(flat).toMatch(/#withdrawals · DART [^#]*withdrew 50\.00 USDC/);
    expect(flat).toMatch(/#withdrawals · DART [^#]*taking 2\.00 USDC/);
    expect(flat).toMatch(/#alerts · DART [^#]*adaline/);
    expect(flat).toMatch(/#alerts · DART [^#]*billyjoel → billy/);
    // The sandbox renamed the customer before reporting it, so lookups find the new name.
    expect(demo.dart.state.customers.has('billy')).toBe(true);
    expect(demo.dart.state.customers.get('grace')?.active).toBe(false);
    // Bad input is refused before anything is sent.
    expect(out).toContain('Bad amount: amount "1.234": at most 2 decimal places.');
    expect(out).toContain('Usage: fire activate <user> | fire update <old user> <new user>');
  });

  it('fires a burst at once with x<n>, so the digest is seen; says when dart slow outlasts the app’s DART timeout', async () => {
    const out = await session(['dart slow 5', 'dart ok', 'fire withdrawal adaline 5 x10', 'exit']);
    expect(out).toContain(
      "DART now takes 5 s to answer every call (dart ok to undo). The demo's app gives up after 5 s (DART_TIMEOUT_MS), so every call will time out.",
    );
    expect(out).toContain('"amount":"5.00","trade_script_name":"Full Velocity Members Only"} ×10, all at once');
    expect(out).toContain('DART ← 200 (10 answers)');
    const flat = out.replace(/\s+/g, ' ');
    // At least one digest holds several of them; emoji codes are shown as emoji.
    expect(flat).toMatch(/#withdrawals · DART 📥 \d+ DART events/);
    expect(flat).not.toContain(':inbox_tray:');
  });
});
