import type { types } from '@slack/bolt';
import { z } from 'zod';
import { plainText, section, type Block } from './blocks.ts';

export type ModalView = types.ModalView;

/** Slack's limits for modals; builders cut text to fit rather than have Slack refuse the view. */
const MODAL_LIMITS = {
  title: 24,
  buttonText: 24,
  privateMetadata: 3000,
  inputLabel: 2000,
  hint: 2000,
  blocks: 100,
} as const;

/** Every input element of our forms uses this action id; the block id names the field. */
export const INPUT_ACTION = 'value';

export interface ModalSpec {
  callbackId: string;
  title: string;
  blocks: Block[];
  /** Without a submit label the modal cannot be submitted (loading and result views). */
  submit?: string;
  close?: string;
  /** What the submission handler needs back (channel, customer…), as JSON. */
  metadata?: unknown;
}

/**
 * A modal view. `metadata` is carried as JSON in `private_metadata`; it must fit Slack's
 * 3000 characters, so a builder that would exceed it throws rather than have Slack refuse.
 */
export function modal(spec: ModalSpec): ModalView {
  const view: ModalView = {
    type: 'modal',
    callback_id: spec.callbackId,
    title: plainText(spec.title, MODAL_LIMITS.title),
    close: plainText(spec.close ?? (spec.submit ? 'Cancel' : 'Close'), MODAL_LIMITS.buttonText),
    blocks: spec.blocks.slice(0, MODAL_LIMITS.blocks),
  };
  if (spec.submit) view.submit = plainText(spec.submit, MODAL_LIMITS.buttonText);
  if (spec.metadata !== undefined) {
    const metadata = JSON.stringify(spec.metadata);
    if (metadata.length > MODAL_LIMITS.privateMetadata) throw new RangeError(`private_metadata of ${spec.callbackId} is too long`);
    view.private_metadata = metadata;
  }
  return view;
}

/** A modal that only says something: a loading state, an outcome, a refusal. */
export function infoView(callbackId: string, title: string, blocks: Block[]): ModalView {
  return modal({ callbackId, title, blocks });
}

/** A one-section modal with a close button, for refusals and outcomes. */
export function noticeView(title: string, mrkdwn: string): ModalView {
  return infoView('notice', title, [section(mrkdwn)]);
}

/** A "still working" view: shown while DART has not answered yet. */
export function workingView(callbackId: string, title: string, mrkdwn: string): ModalView {
  return infoView(callbackId, title, [section(`:hourglass_flowing_sand: ${mrkdwn}`)]);
}

export interface TextInputSpec {
  /** The field's name; errors are reported against it. */
  blockId: string;
  label: string;
  initial?: string;
  optional?: boolean;
  hint?: string;
  placeholder?: string;
}

/** A one-line text field (plain text: nothing typed into it is parsed as mrkdwn). */
export function textInput(spec: TextInputSpec): Block {
  const element: types.PlainTextInput = { type: 'plain_text_input', action_id: INPUT_ACTION };
  if (spec.initial !== undefined && spec.initial !== '') element.initial_value = spec.initial;
  if (spec.placeholder) element.placeholder = plainText(spec.placeholder, 150);
  return inputBlock(spec, element);
}

/** A drop-down of fixed choices, each `[value, label]`. */
export function selectInput(
  spec: Omit<TextInputSpec, 'initial'> & { choices: ReadonlyArray<readonly [value: string, label: string]> },
): Block {
  const element: types.StaticSelect = {
    type: 'static_select',
    action_id: INPUT_ACTION,
    options: spec.choices.map(([value, label]) => ({ text: plainText(label, 75), value })),
  };
  if (spec.placeholder) element.placeholder = plainText(spec.placeholder, 150);
  return inputBlock(spec, element);
}

function inputBlock(spec: Omit<TextInputSpec, 'initial'>, element: types.InputBlock['element']): Block {
  const block: types.InputBlock = {
    type: 'input',
    block_id: spec.blockId,
    label: plainText(spec.label, MODAL_LIMITS.inputLabel),
    element,
    optional: spec.optional ?? false,
  };
  if (spec.hint) block.hint = plainText(spec.hint, MODAL_LIMITS.hint);
  return block;
}

/** One input element's state as Slack sends it in `view.state.values`. */
const inputStateSchema = z.looseObject({
  value: z.string().nullish(),
  selected_option: z.looseObject({ value: z.string() }).nullish(),
});
const viewStateSchema = z.record(z.string(), z.record(z.string(), inputStateSchema));

/**
 * The submitted values of a modal by block id: the typed text, or the chosen option's
 * value; an empty field is ''. Anything Slack sent in another shape counts as empty.
 */
export function submittedValues(state: unknown): Record<string, string> {
  const parsed = viewStateSchema.safeParse((state as { values?: unknown } | undefined)?.values);
  if (!parsed.success) return {};
  const values: Record<string, string> = {};
  for (const [blockId, actions] of Object.entries(parsed.data)) {
    const input = actions[INPUT_ACTION];
    values[blockId] = input?.value ?? input?.selected_option?.value ?? '';
  }
  return values;
}

/** Reads a modal's `private_metadata` back through `schema`; undefined when it does not match. */
export function readMetadata<T>(raw: string | undefined, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(raw ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
