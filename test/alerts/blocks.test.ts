import { describe, expect, it } from 'vitest';
import { presentedSecret, secretMatches } from '../../src/alerts/auth.ts';
import { alertMessage, digestMessage, historyEntry, MAX_EVENTS_PER_DIGEST } from '../../src/alerts/blocks.ts';
import type { StoredAlert } from '../../src/alerts/repository.ts';
import { parseWebhookBody, tradeScriptKind, type WebhookName } from '../../src/alerts/schemas.ts';
import { blockMrkdwn, fixture, FIXTURES, fixtureWebhook, withdrawalBody, type FixtureName } from '../support/webhooks.ts';

const receivedAt = new Date(Date.UTC(2025, 5, 1, 9, 30));

function stored(body: Record<string, unknown>, webhook: WebhookName, id = 1): StoredAlert {
  const parsed = parseWebhookBody(webhook, body);
  if (!parsed.ok) throw new Error(`${parsed.field} ${parsed.problem}`);
  return { id, event: parsed.event, route: 'alerts', receivedAt, status: 'pending', attempts: 0 };
}

const fromFixture = (name: FixtureName, id = 1) => stored(fixture(name), fixtureWebhook(name), id);
const shown = (message: { text: string; blocks: unknown[] }) => [message.text, ...blockMrkdwn(message)].join('\n');

describe('one alert per kind', () => {
  it('each example body has its own title, a text fallback, the received time and Slack-sized blocks', () => {
    const titles = FIXTURES.map((name) => {
      const message = alertMessage(fromFixture(name));
      expect(message.text.length).toBeGreaterThan(0);
      expect(message.blocks.length).toBeLessThanOrEqual(50);
      expect(blockMrkdwn(message).join('\n')).toContain(`<!date^${receivedAt.getTime() / 1000}^`);
      return message.text.split(':')[0];
    });
    expect(new Set(titles).size).toBe(FIXTURES.length);
  });

  it('withdrawal and exit show the amount as money and the trade script', () => {
    expect(shown(alertMessage(fromFixture('withdrawal')))).toContain('withdrew *50.00 USDC* from *Full Velocity Members Only*');
    const exit = shown(alertMessage(fromFixture('exit')));
    expect(exit).toContain('left the trade script *Full Velocity Members Only*');
    expect(exit).toContain('2.00 USDC');
    expect(shown(alertMessage(stored(withdrawalBody('big', '1234567.5'), 'trade-script-withdrawal')))).toContain('1,234,567.50 USDC');
  });

  it('an update shows the user-name change old → new; other kinds mention a changed name too', () => {
    expect(shown(alertMessage(fromFixture('update')))).toContain('`billyjoel` → `billy`');
    expect(shown(alertMessage(fromFixture('activate')))).not.toContain('→');
    const renamed = stored({ ...fixture('deactivate'), new_dart_user_name: 'billy' }, 'customer-deactivate');
    expect(shown(alertMessage(renamed))).toContain('`billy` (formerly `billyjoel`)');
  });

  it('everything from DART is escaped, and a name that is not a user name gets no buttons', () => {
    const hostile = stored(
      {
        message: 'withdraw <!everyone>',
        old_dart_user_name: '<!channel>',
        new_dart_user_name: '<!channel> <https://evil.example|link> & co',
        amount: '1.00',
        trade_script_name: '<@U0VIEWER01> `code`',
      },
      'trade-script-withdrawal',
    );
    const message = alertMessage(hostile);
    const text = shown(message);
    for (const smuggled of ['<!channel>', '<https://evil', '<!everyone>', '<@U0VIEWER01>']) expect(text).not.toContain(smuggled);
    expect(text).toContain('&lt;!channel&gt; &lt;https://evil.example|link&gt; &amp; co');
    expect(message.blocks.some((block) => block.type === 'actions')).toBe(false);
  });
});

describe('digests', () => {
  it('show every event of a full digest within 50 blocks and 3000 characters per text', () => {
    const long = 'x'.repeat(255);
    const alerts = Array.from({ length: MAX_EVENTS_PER_DIGEST }, (_, index) =>
      stored(
        { ...withdrawalBody(`user${index}`), trade_script_name: long, message: `withdraw ${'&'.repeat(900)}` },
        'trade-script-withdrawal',
        index + 1,
      ),
    );
    const digest = digestMessage(alerts);
    expect(digest.blocks.length).toBeLessThanOrEqual(50);
    for (const text of blockMrkdwn(digest)) expect(text.length).toBeLessThanOrEqual(3000);
    const text = blockMrkdwn(digest).join('\n');
    for (let index = 0; index < MAX_EVENTS_PER_DIGEST; index += 1) expect(text).toContain(`\`user${index}\``);
    expect(digest.text).toContain(`${MAX_EVENTS_PER_DIGEST} DART events`);
  });

  it('refuse more events than fit, rather than leave any out', () => {
    const alerts = Array.from({ length: MAX_EVENTS_PER_DIGEST + 1 }, (_, index) => fromFixture('withdrawal', index + 1));
    expect(() => digestMessage(alerts)).toThrow(RangeError);
  });
});

describe('history entries', () => {
  it('are one line with the time received', () => {
    const entry = historyEntry(fromFixture('exit'));
    expect(entry.at).toEqual(receivedAt);
    expect(entry.line).toContain('exited a trade script');
    expect(entry.line).toContain('<!date^');
    expect(entry.line).not.toContain('\n');
  });
});

describe('withdrawal or exit', () => {
  it('is read from DART’s message, case-insensitively; anything else is a generic trade-script event', () => {
    expect(tradeScriptKind('External customer withdraw from trade script.')).toBe('withdrawal');
    expect(tradeScriptKind('WITHDRAWAL done')).toBe('withdrawal');
    expect(tradeScriptKind('External customer EXIT from trade script.')).toBe('exit');
    expect(tradeScriptKind('Something else')).toBe('trade_script');
  });
});

describe('webhook secret', () => {
  const secret = 'test-webhook-secret-0123456789';
  it('is read from Bearer or the Basic password', () => {
    expect(presentedSecret(`Bearer ${secret}`)).toBe(secret);
    expect(presentedSecret(`basic ${Buffer.from(`dart:${secret}`).toString('base64')}`)).toBe(secret);
    expect(presentedSecret(`Basic ${Buffer.from(secret).toString('base64')}`)).toBeUndefined();
    expect(presentedSecret('Token abc')).toBeUndefined();
    expect(presentedSecret(undefined)).toBeUndefined();
  });

  it('matches only the exact secret', () => {
    expect(secretMatches(secret, secret)).toBe(true);
    expect(secretMatches(`${secret}x`, secret)).toBe(false);
    expect(secretMatches('', secret)).toBe(false);
    expect(secretMatches(undefined, secret)).toBe(false);
    expect(secretMatches('', '')).toBe(false);
  });
});
