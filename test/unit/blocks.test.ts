import { describe, expect, it } from 'vitest';
import { balanceMessage, customerCard, tokenValueMessage } from '../../src/customers/blocks.ts';
import { NOTHING_KNOWN } from '../../src/customers/state.ts';
import { button, fields, header, message, section, SLACK_LIMITS } from '../../src/slack/blocks.ts';
import { escapeMrkdwn, slackDate } from '../../src/slack/mrkdwn.ts';
import { parseWords, userNameSchema } from '../../src/slack/arguments.ts';
import { activationDate, statusLabel, tradeScriptsMessage } from '../../src/trade-scripts/blocks.ts';
import type { TradeScript } from '../../src/dart/schemas.ts';

const script = (name: string): TradeScript => ({
  trade_script_name: name,
  initial_amount: '49.25',
  current_amount: '49.2500',
  status: 5,
  total_deposit: '50.0000',
  activate_date: '2022-06-08',
});

describe('Slack limits', () => {
  it('cuts section text to 3000, header to 150 and button text to 75 characters', () => {
    const long = 'x'.repeat(5000);
    expect(JSON.stringify(section(long)).length).toBeLessThan(3200);
    expect((section(long) as { text: { text: string } }).text.text).toHaveLength(SLACK_LIMITS.sectionText);
    expect((header(long) as { text: { text: string } }).text.text).toHaveLength(SLACK_LIMITS.headerText);
    expect(button(long, 'a').text.text).toHaveLength(SLACK_LIMITS.buttonText);
  });

  it('keeps a message within 50 blocks and says how many were left out', () => {
    const built = message(
      't',
      Array.from({ length: 80 }, (_, i) => section(String(i))),
    );
    expect(built.blocks).toHaveLength(50);
    expect(JSON.stringify(built.blocks.at(-1))).toContain('31 more not shown');
  });

  it('splits more than ten fields over several sections', () => {
    const pairs = Array.from({ length: 23 }, (_, i) => [`L${i}`, 'v'] as const);
    expect(fields(pairs)).toHaveLength(3);
  });

  it('a customer with 40 trade scripts still fits one message', () => {
    const built = tradeScriptsMessage(
      'billyjoel',
      Array.from({ length: 40 }, (_, i) => script(`Script ${i}`)),
      NOTHING_KNOWN,
    );
    expect(built.blocks.length).toBeLessThanOrEqual(50);
  });
});

describe('builders', () => {
  it('customer card shows only the buttons the roles allow', () => {
    const customer = { first_name: 'Billy', last_name: 'Joel', dart_user_name: 'billyjoel', email: 'billy@gmail.com' };
    expect(JSON.stringify(customerCard(customer, new Set(['viewer']), NOTHING_KNOWN))).toContain('customer.balance');
    expect(JSON.stringify(customerCard(customer, new Set(), NOTHING_KNOWN))).not.toContain('"actions"');
  });

  it('formats balances and token values as money', () => {
    expect(JSON.stringify(balanceMessage('billyjoel', '12500.5'))).toContain('12,500.50 USDC');
    expect(tokenValueMessage('billyjoel', 'Chaos', '19.96').text).toContain('19.96 USDC');
  });

  it('trade scripts: raw status code, readable word statuses, calendar activation dates', () => {
    expect(statusLabel(5)).toBe('code 5');
    expect(statusLabel('active')).toBe('active');
    expect(activationDate('2022-06-08')).toBe('8 Jun 2022');
    expect(activationDate(null)).toBe('not yet');
    expect(activationDate('soon')).toBe('soon');
    expect(tradeScriptsMessage('grace', [], NOTHING_KNOWN).text).toContain('no trade scripts');
  });

  it('escapes names so they cannot ping or link, in blocks and in the text fallback', () => {
    const built = tradeScriptsMessage('billyjoel', [script('<!channel> <https://evil|x>')], NOTHING_KNOWN);
    const mrkdwn = JSON.stringify(built);
    expect(mrkdwn).not.toContain('<!channel>');
    expect(mrkdwn).not.toContain('<https://evil');
    expect(escapeMrkdwn('a & <b>')).toBe('a &amp; &lt;b&gt;');
  });

  it('dates carry a <!date> token and a UTC fallback', () => {
    expect(slackDate(new Date('2026-11-24T14:05:00Z'))).toBe('<!date^1795529100^{date_short_pretty} at {time}|24 Nov 2026, 14:05 UTC>');
  });
});

describe('argument parsing', () => {
  it('accepts a DART user name and refuses markup, spaces and overlong names', () => {
    expect(parseWords(['billyjoel'], [['user', userNameSchema]] as const)).toEqual({ ok: true, args: ['billyjoel'] });
    for (const bad of ['<@U1>', 'a b', 'x'.repeat(65), '*bold*']) {
      expect(parseWords([bad], [['user', userNameSchema]] as const).ok).toBe(false);
    }
  });
});
