/**
 * One modal input as a console prompt: what a person's answer means for each kind of
 * Block Kit element (Slack's own client-side checks included: required fields, lengths,
 * numbers, emails, choices), and the `state.values` entry Slack would send for it.
 * Pure functions.
 */
import { list, record, str } from './render-blocks.ts';
import type { ModalField } from './render.ts';

type Json = Record<string, unknown>;

/** Looks up demo names for user and channel pickers (`tess` → `U…`, `#alerts` → `C…`) and back. */
export interface PickerNames {
  userId(name: string): string | undefined;
  userName(id: string): string | undefined;
  channelId(name: string): string | undefined;
  channelLabel(id: string): string;
}

/** An answer read for a field: the values to submit, or what Slack's client would say is wrong. */
export type FieldAnswer = { ok: true; values: string[] } | { ok: false; problem: string };

const MULTI = new Set([
  'multi_static_select',
  'multi_external_select',
  'checkboxes',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
]);
const USERS = new Set(['users_select', 'multi_users_select']);
const CHANNELS = new Set(['conversations_select', 'channels_select', 'multi_conversations_select', 'multi_channels_select']);

/** The option objects of a select, radio group or checkbox group, option groups flattened, as the app defined them. */
function optionsOf(element: Json): Json[] {
  return [...list(element.options), ...list(element.option_groups).flatMap((group) => list(record(group).options))].map(record);
}

/** The values a field starts with: its initial value(s), split for multi-value elements. */
export function initialValues(field: ModalField): string[] {
  if (field.initial === undefined || field.initial === '') return [];
  return MULTI.has(field.type) ? field.initial.split(',') : [field.initial];
}

/** Values as a person reads them: option texts, user and channel names. */
export function describeValues(field: ModalField, values: string[], names: PickerNames): string {
  return values
    .map((value) => {
      if (field.options) return field.options.find((option) => option.value === value)?.text ?? value;
      if (USERS.has(field.type)) return names.userName(value) ?? value;
      if (CHANNELS.has(field.type)) return names.channelLabel(value);
      return value;
    })
    .join(', ');
}

/**
 * Reads one typed line for a field. Empty keeps `current`; a required field left empty,
 * an unknown choice, or a value the element's own limits refuse give a problem to show
 * before asking again, as Slack's client refuses to submit such a form.
 */
export function parseAnswer(field: ModalField, element: Json, typed: string, current: string[], names: PickerNames): FieldAnswer {
  const text = field.multiline ? typed.replaceAll('\\n', '\n') : typed.trim();
  if (text.trim() === '') {
    return current.length > 0 || field.optional ? { ok: true, values: current } : { ok: false, problem: `${field.label} is required.` };
  }
  const parts = MULTI.has(field.type)
    ? text
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')
    : [text];
  if (field.options) return choose(field.options, parts);
  if (USERS.has(field.type))
    return lookUp(parts, (part) => names.userId(part.replace(/^@/, '')) ?? idLike(part, /^[UW][A-Z0-9]+$/), 'user');
  if (CHANNELS.has(field.type)) {
    return lookUp(parts, (part) => names.channelId(part.replace(/^#/, '')) ?? idLike(part, /^[CGD][A-Z0-9]+$/), 'channel');
  }
  const problem = checkValue(field.type, element, text);
  return problem === undefined ? { ok: true, values: [text] } : { ok: false, problem };
}

function choose(options: NonNullable<ModalField['options']>, parts: string[]): FieldAnswer {
  const values: string[] = [];
  for (const part of parts) {
    const byNumber = /^\d+$/.test(part) ? options[Number(part) - 1] : undefined;
    const lower = part.toLowerCase();
    const found = byNumber ?? options.find((option) => option.value.toLowerCase() === lower || option.text.toLowerCase() === lower);
    if (found === undefined) return { ok: false, problem: `Choose a number from 1 to ${options.length}.` };
    values.push(found.value);
  }
  return { ok: true, values };
}

/** A raw Slack id typed instead of a demo name is taken as it is. */
function idLike(part: string, pattern: RegExp): string | undefined {
  return pattern.test(part) ? part : undefined;
}

function lookUp(parts: string[], resolve: (part: string) => string | undefined, what: string): FieldAnswer {
  const values: string[] = [];
  for (const part of parts) {
    const id = resolve(part);
    if (id === undefined) return { ok: false, problem: `No ${what} called ${part}.` };
    values.push(id);
  }
  return { ok: true, values };
}

/** The checks Slack's client makes before it lets a form be submitted. */
function checkValue(type: string, element: Json, text: string): string | undefined {
  switch (type) {
    case 'number_input': {
      const decimal = element.is_decimal_allowed === true;
      if (!(decimal ? /^-?\d+(\.\d+)?$/ : /^-?\d+$/).test(text)) return decimal ? 'Enter a number.' : 'Enter a whole number.';
      const min = str(element.min_value);
      const max = str(element.max_value);
      if (min !== undefined && Number(text) < Number(min)) return `Enter a number of at least ${min}.`;
      if (max !== undefined && Number(text) > Number(max)) return `Enter a number of at most ${max}.`;
      return undefined;
    }
    case 'email_text_input':
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text) ? undefined : 'Enter an email address.';
    case 'url_text_input':
      return /^https?:\/\/\S+$/.test(text) ? undefined : 'Enter a URL.';
    case 'datepicker':
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? undefined : 'Enter a date as YYYY-MM-DD.';
    case 'timepicker':
      return /^\d{2}:\d{2}$/.test(text) ? undefined : 'Enter a time as HH:MM.';
    default: {
      const length = [...text].length;
      const min = typeof element.min_length === 'number' ? element.min_length : undefined;
      const max = typeof element.max_length === 'number' ? element.max_length : undefined;
      if (min !== undefined && length < min) return `Enter at least ${min} characters.`;
      if (max !== undefined && length > max) return `Enter at most ${max} characters.`;
      return undefined;
    }
  }
}

/** The `state.values[block_id][action_id]` entry Slack sends for an element holding `values`. */
export function stateValue(element: Json, values: string[]): Json {
  const type = str(element.type) ?? 'plain_text_input';
  const options = optionsOf(element);
  const option = (value: string): Json | undefined => options.find((candidate) => str(candidate.value) === value);
  const first = values[0] ?? null;
  switch (type) {
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return { type, selected_option: first === null ? null : (option(first) ?? null) };
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { type, selected_options: values.map(option).filter((found) => found !== undefined) };
    case 'datepicker':
      return { type, selected_date: first };
    case 'timepicker':
      return { type, selected_time: first };
    case 'datetimepicker':
      return { type, selected_date_time: first === null ? null : Number(first) };
    case 'users_select':
      return { type, selected_user: first };
    case 'multi_users_select':
      return { type, selected_users: values };
    case 'conversations_select':
      return { type, selected_conversation: first };
    case 'multi_conversations_select':
      return { type, selected_conversations: values };
    case 'channels_select':
      return { type, selected_channel: first };
    case 'multi_channels_select':
      return { type, selected_channels: values };
    default:
      return { type, value: first };
  }
}

/** Whether a field holds a secret, so a transcript shows stars instead of what was typed. */
export function isSecretField(field: ModalField): boolean {
  return /password|secret|token/i.test(`${field.block_id} ${field.action_id} ${field.label}`);
}
