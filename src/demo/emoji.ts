/**
 * The emoji codes the app writes, as a terminal can show them (Slack shows pictures). A
 * code not listed here is left as written, as Slack does with an unknown one.
 */
const EMOJI: Record<string, string> = {
  alarm_clock: '⏰',
  arrow_forward: '▶️',
  ballot_box_with_check: '☑️',
  door: '🚪',
  grey_question: '❔',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  inbox_tray: '📥',
  large_green_circle: '🟢',
  memo: '📝',
  money_with_wings: '💸',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  pencil2: '✏️',
  red_circle: '🔴',
  warning: '⚠️',
  white_check_mark: '✅',
  x: '❌',
};

/** Replaces every known `:code:` in `text` by its Unicode emoji. */
export function emojify(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
}
