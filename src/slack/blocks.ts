import type { types } from '@slack/bolt';
import { withoutBidiControls } from '../util/text.ts';

export type Block = types.KnownBlock;
export type Button = types.Button;

/** Slack's documented limits; builders cut text to fit instead of having Slack refuse the message. */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  contextElements: 10,
  messageText: 40_000,
} as const;

/** Cuts `text` to `max` characters, marking the cut with an ellipsis. */
function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A plain_text object: cut to `max`, without bidirectional controls (plain text is not
 * parsed, but an override in a name would still make the line read backwards).
 */
export function plainText(text: string, max: number, emoji?: true): types.PlainTextElement {
  return { type: 'plain_text', text: truncate(withoutBidiControls(text), max), ...(emoji ? { emoji } : {}) };
}

/** A header line (plain text, so nothing in it is parsed). */
export function header(text: string): Block {
  return { type: 'header', text: plainText(text, SLACK_LIMITS.headerText, true) };
}

/** A section of mrkdwn; callers escape what came from outside. */
export function section(mrkdwn: string, accessory?: Button): Block {
  const block: types.SectionBlock = { type: 'section', text: { type: 'mrkdwn', text: truncate(mrkdwn, SLACK_LIMITS.sectionText) } };
  if (accessory) block.accessory = accessory;
  return block;
}

/** Label/value pairs shown in two columns; at most ten per section, as Slack allows. */
export function fields(pairs: ReadonlyArray<readonly [label: string, mrkdwnValue: string]>): Block[] {
  const blocks: Block[] = [];
  for (let start = 0; start < pairs.length; start += SLACK_LIMITS.fieldsPerSection) {
    blocks.push({
      type: 'section',
      fields: pairs.slice(start, start + SLACK_LIMITS.fieldsPerSection).map(([label, value]) => ({
        type: 'mrkdwn',
        text: truncate(`*${label}*\n${value}`, SLACK_LIMITS.fieldText),
      })),
    });
  }
  return blocks;
}

/** Small grey lines under a message. */
export function context(...mrkdwn: string[]): Block {
  return {
    type: 'context',
    elements: mrkdwn
      .slice(0, SLACK_LIMITS.contextElements)
      .map((text) => ({ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) })),
  };
}

export function divider(): Block {
  return { type: 'divider' };
}

/** A button whose `value` carries what the handler needs (a user name, a transfer id). */
export function button(text: string, actionId: string, value?: string, style?: 'primary' | 'danger'): Button {
  const element: Button = {
    type: 'button',
    text: plainText(text, SLACK_LIMITS.buttonText, true),
    action_id: actionId,
  };
  if (value !== undefined) element.value = truncate(value, SLACK_LIMITS.buttonValue);
  if (style) element.style = style;
  return element;
}

/** A row of buttons. */
export function actions(blockId: string, buttons: Button[]): Block {
  return { type: 'actions', block_id: blockId, elements: buttons };
}

/** A message: the notification/fallback `text` (mrkdwn) and its blocks. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/**
 * A message that fits Slack's limits: at most 50 blocks (the last one says how many were
 * left out). `text` is the notification fallback; Slack parses it as mrkdwn, so callers
 * escape what came from outside in it, as in blocks.
 */
export function message(text: string, blocks: Block[]): SlackMessage {
  const max = SLACK_LIMITS.blocksPerMessage;
  const fitted = blocks.length <= max ? blocks : [...blocks.slice(0, max - 1), context(`…and ${blocks.length - (max - 1)} more not shown`)];
  return { text: truncate(text, SLACK_LIMITS.sectionText), blocks: fitted };
}

/** Slack's "are you sure?" dialog for a button, in plain text. */
export function confirmDialog(title: string, text: string, confirm: string): NonNullable<Button['confirm']> {
  return {
    title: plainText(title, 100),
    text: plainText(text, 300),
    confirm: plainText(confirm, 30),
    deny: { type: 'plain_text', text: 'Cancel' },
  };
}
