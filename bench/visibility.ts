/**
 * Which events a person can see in a channel. A digest message shows several events, so
 * events are told apart by their distinct amounts, looked for in each message's text and
 * blocks. Pure, so it is unit-tested.
 */
import type { PostedMessage } from '../src/sandbox/slack/standin.ts';

/** `count` distinct amounts `1.01`, `1.02`, … (up to 99 of them), one per event of a burst. */
export function burstAmounts(count: number): string[] {
  if (count < 1 || count > 99) throw new RangeError(`a burst has 1 to 99 events, got ${count}`);
  return Array.from({ length: count }, (_, i) => `1.${String(i + 1).padStart(2, '0')}`);
}

/**
 * A pattern that finds an amount written as a number on its own, with or without trailing
 * zeros (`1.10` also as `1.1` or `1.100`), never inside a longer number (`11.10`, `1.101`).
 */
export function amountPattern(amount: string): RegExp {
  const [whole = '', fraction = ''] = amount.split('.');
  const significant = fraction.replace(/0+$/, '');
  const decimals = significant === '' ? '(?:\\.0*)?' : `\\.${significant}0*`;
  return new RegExp(`(?<![\\d.])${whole}${decimals}(?!\\d|\\.\\d)`);
}

/** The amounts among `amounts` that appear in at least one message of the channel. */
export function visibleAmounts(messages: readonly PostedMessage[], amounts: readonly string[]): Set<string> {
  const shown = messages.map((message) => `${message.text ?? ''}\n${JSON.stringify(message.blocks ?? [])}`);
  return new Set(
    amounts.filter((amount) => {
      const pattern = amountPattern(amount);
      return shown.some((text) => pattern.test(text));
    }),
  );
}

/** How many of `amounts` each message shows, e.g. `[1, 1, 12, 16]` for two singles and two digests. */
export function eventsPerMessage(messages: readonly PostedMessage[], amounts: readonly string[]): number[] {
  return messages.map((message) => visibleAmounts([message], amounts).size);
}
