/**
 * The pure rendering layer of the terminal Slack console: what a Slack client would show
 * for a message or a modal, as terminal lines, with its buttons numbered for pressing.
 * No I/O here; the details live in render-mrkdwn.ts and render-blocks.ts.
 */
import { compact, list, newContext, record, renderBlock, renderTextObject, str, type RenderedButton } from './render-blocks.ts';
import { renderMrkdwn, wrapText, type RenderOptions } from './render-mrkdwn.ts';

export { renderMrkdwn } from './render-mrkdwn.ts';
export type { RenderOptions } from './render-mrkdwn.ts';
export type { RenderedButton } from './render-blocks.ts';

/** A message as terminal lines, with the buttons it shows. */
export interface RenderedMessage {
  lines: string[];
  buttons: RenderedButton[];
}

/**
 * Renders a message (text fallback + blocks) as terminal lines; buttons get numbers [n].
 * If blocks are absent (or empty), the text is rendered as mrkdwn, as Slack does.
 */
export function renderMessage(message: { text?: string; blocks?: unknown[] }, options: RenderOptions, firstNumber = 1): RenderedMessage {
  const context = newContext(options, firstNumber);
  if (message.blocks !== undefined && message.blocks.length > 0) {
    for (const block of message.blocks) renderBlock(block, context);
  } else if (message.text) {
    context.lines.push(...wrapText(renderMrkdwn(message.text, options), context.width));
  }
  return { lines: context.lines, buttons: context.buttons };
}

/** One prompt per input block of a modal view. */
export interface ModalField {
  block_id: string;
  action_id: string;
  label: string;
  hint?: string;
  placeholder?: string;
  /** The element's initial value; for a select or radio group, the initial option's value. */
  initial?: string;
  optional: boolean;
  /** The element type: plain_text_input, static_select, radio_buttons, … */
  type: string;
  multiline: boolean;
  /** The choices of a select, radio group or checkbox group (option groups flattened). */
  options?: { text: string; value: string }[];
}

/** A modal view: its title and buttons, the lines of its non-input blocks, and its input fields. */
export interface RenderedModal {
  title: string;
  submit?: string;
  close?: string;
  /** Non-input blocks (sections, context, headers…) rendered in order. */
  lines: string[];
  fields: ModalField[];
  buttons: RenderedButton[];
}

/** Renders a modal view: input blocks become fields, every other block becomes lines. */
export function renderModal(view: unknown, options: RenderOptions, firstNumber = 1): RenderedModal {
  const modal = record(view);
  const context = newContext(options, firstNumber);
  const fields: ModalField[] = [];
  for (const block of list(modal.blocks)) {
    if (record(block).type === 'input') fields.push(modalField(record(block), options));
    else renderBlock(block, context);
  }
  return compact({
    title: str(record(modal.title).text) ?? '',
    submit: str(record(modal.submit).text),
    close: str(record(modal.close).text),
    lines: context.lines,
    fields,
    buttons: context.buttons,
  });
}

function modalField(block: Record<string, unknown>, options: RenderOptions): ModalField {
  const element = record(block.element);
  const choices = [...list(element.options), ...list(element.option_groups).flatMap((group) => list(record(group).options))].map(
    (option) => ({ text: renderTextObject(record(option).text, options), value: str(record(option).value) ?? '' }),
  );
  return compact({
    block_id: str(block.block_id) ?? '',
    action_id: str(element.action_id) ?? '',
    label: renderTextObject(block.label, options),
    hint: str(record(block.hint).text),
    placeholder: str(record(element.placeholder).text),
    initial: initialValue(element),
    optional: block.optional === true,
    type: str(element.type) ?? 'unknown',
    multiline: element.multiline === true,
    options: choices.length > 0 ? choices : undefined,
  });
}

/** The initial value of any input element, as the text a person would submit. */
function initialValue(element: Record<string, unknown>): string | undefined {
  const option = record(element.initial_option);
  const single = [
    element.initial_value,
    option.value ?? record(option.text).text,
    element.initial_date,
    element.initial_time,
    element.initial_user,
    element.initial_channel,
    element.initial_conversation,
  ].find((value) => typeof value === 'string');
  if (typeof single === 'string') return single;
  // Multi-selects and checkboxes: their values, comma-separated.
  const many = [element.initial_options, element.initial_users, element.initial_channels, element.initial_conversations]
    .flatMap(list)
    .map((item) => (typeof item === 'string' ? item : str(record(item).value)))
    .filter((item) => item !== undefined);
  return many.length > 0 ? many.join(',') : undefined;
}
