/**
 * Block Kit blocks as terminal lines. Blocks arrive as `unknown` (whatever the app sent),
 * so every field is read defensively: a malformed block renders oddly, never throws.
 */
import { emojify } from './emoji.ts';
import { formatSlackDate, paint, renderMrkdwn, visibleLength, wrapText, type RenderOptions } from './render-mrkdwn.ts';

/** A button the console can press: numbered in render order, starting at `firstNumber`. */
export interface RenderedButton {
  number: number;
  text: string;
  action_id: string;
  block_id?: string;
  value?: string;
  style?: 'primary' | 'danger';
  url?: string;
}

/** Running state while rendering one message or view: the lines so far and the next button number. */
export interface BlockContext {
  options: RenderOptions;
  width: number;
  lines: string[];
  buttons: RenderedButton[];
  nextNumber: number;
}

/** A fresh context; width defaults to 80 columns. */
export function newContext(options: RenderOptions, firstNumber: number): BlockContext {
  return { options, width: options.width ?? 80, lines: [], buttons: [], nextNumber: firstNumber };
}

type Json = Record<string, unknown>;

/** The value as an object to read fields from; `{}` when it is not one. */
export function record(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

/** The value when it is a string. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value when it is an array; `[]` otherwise. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A copy without the keys whose value is undefined, so optional fields are absent, not undefined. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A Block Kit text object as terminal text: mrkdwn is interpreted, plain_text shown as written (emoji codes as emoji, as Slack does). */
export function renderTextObject(value: unknown, options: RenderOptions): string {
  const object = record(value);
  const text = str(object.text) ?? '';
  return object.type === 'mrkdwn' ? renderMrkdwn(text, options) : emojify(text);
}

/** Appends one block's lines (and its buttons) to the context. */
export function renderBlock(value: unknown, context: BlockContext): void {
  const block = record(value);
  const { options, width, lines } = context;
  const elements = (): string[] => list(block.elements).map((element) => renderElement(element, block, context));
  switch (block.type) {
    case 'header': {
      const title = wrapText(renderTextObject(block.text, options), width);
      lines.push(...title.map((line) => paint(line, 'bold', options)));
      lines.push('─'.repeat(Math.min(width, Math.max(...title.map(visibleLength)))));
      return;
    }
    case 'section':
      if (block.text !== undefined) lines.push(...wrapText(renderTextObject(block.text, options), width));
      renderFields(list(block.fields), context);
      if (block.accessory !== undefined) lines.push(...wrapText(renderElement(block.accessory, block, context), width));
      return;
    case 'divider':
      lines.push('─'.repeat(width));
      return;
    case 'context':
      lines.push(...wrapText(elements().join('  '), width).map((line) => paint(line, 'dim', options)));
      return;
    case 'actions':
      lines.push(...pack(elements(), width));
      return;
    case 'image':
      lines.push(`[image: ${str(block.alt_text) ?? ''}]`);
      return;
    case 'rich_text':
      lines.push(
        ...wrapText(
          list(block.elements)
            .map((element) => richBlock(element, options))
            .join('\n'),
          width,
        ),
      );
      return;
    case 'input':
      lines.push(...wrapText(renderTextObject(block.label, options), width));
      return;
    default:
      lines.push(`[unsupported block: ${String(block.type)}]`);
  }
}

/** Section fields, two to a row: the left column padded to half the width. */
function renderFields(fields: unknown[], context: BlockContext): void {
  const { options, width } = context;
  const column = Math.floor(width / 2);
  for (let i = 0; i < fields.length; i += 2) {
    const left = wrapText(renderTextObject(fields[i], options), column - 2);
    const right = i + 1 < fields.length ? wrapText(renderTextObject(fields[i + 1], options), width - column) : [];
    for (let row = 0; row < Math.max(left.length, right.length); row++) {
      const cell = left[row] ?? '';
      const next = right[row];
      context.lines.push(next === undefined ? cell : cell + ' '.repeat(Math.max(0, column - visibleLength(cell))) + next);
    }
  }
}

/** Items joined by two spaces, as many to a line as fit: a button is never split across lines. */
function pack(items: string[], width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const item of items) {
    if (current !== '' && visibleLength(`${current}  ${item}`) > width) {
      lines.push(current);
      current = item;
    } else current = current === '' ? item : `${current}  ${item}`;
  }
  if (current !== '') lines.push(current);
  return lines;
}

/** An element of an actions or context block, or a section accessory. */
function renderElement(value: unknown, block: Json, context: BlockContext): string {
  const element = record(value);
  switch (element.type) {
    case 'button':
      return renderButton(element, block, context);
    case 'image':
      return `[image: ${str(element.alt_text) ?? ''}]`;
    case 'mrkdwn':
    case 'plain_text':
      return renderTextObject(element, context.options);
    default: {
      // Selects, date pickers, overflow menus: shown, but the console cannot operate them.
      const placeholder = str(record(element.placeholder).text);
      return `[${String(element.type)}${placeholder ? `: ${placeholder}` : ''}]`;
    }
  }
}

function renderButton(element: Json, block: Json, context: BlockContext): string {
  const style = element.style === 'primary' || element.style === 'danger' ? element.style : undefined;
  const button: RenderedButton = compact({
    number: context.nextNumber++,
    text: renderTextObject(element.text, context.options),
    action_id: str(element.action_id) ?? '',
    block_id: str(block.block_id),
    value: str(element.value),
    style,
    url: str(element.url),
  });
  context.buttons.push(button);
  const label = `[${button.number}] ${button.text}`;
  if (style === undefined) return label;
  return paint(label, style === 'primary' ? 'green' : 'red', context.options);
}

/** A rich_text block element: section, list, quote or preformatted. */
function richBlock(value: unknown, options: RenderOptions): string {
  const element = record(value);
  const inline = (): string =>
    list(element.elements)
      .map((child) => richInline(child, options))
      .join('');
  const prefixLines = (prefix: string): string =>
    inline()
      .split('\n')
      .map((line) => prefix + line)
      .join('\n');
  switch (element.type) {
    case 'rich_text_section':
      return inline();
    case 'rich_text_preformatted':
      return prefixLines('    ');
    case 'rich_text_quote':
      return prefixLines('│ ');
    case 'rich_text_list': {
      const indent = '  '.repeat(Number(element.indent) || 0);
      const offset = Number(element.offset) || 0;
      return list(element.elements)
        .map((item, i) => `${indent}${element.style === 'ordered' ? `${offset + i + 1}.` : '•'} ${richBlock(item, options)}`)
        .join('\n');
    }
    default:
      return `[unsupported rich text: ${String(element.type)}]`;
  }
}

/** An inline rich text element. Its text is raw (not mrkdwn-escaped), so it is shown as is. */
function richInline(value: unknown, options: RenderOptions): string {
  const element = record(value);
  switch (element.type) {
    case 'text': {
      const style = record(element.style);
      let text = str(element.text) ?? '';
      if (style.code === true) text = paint(text, 'cyan', options);
      if (style.italic === true) text = paint(text, 'italic', options);
      if (style.bold === true) text = paint(text, 'bold', options);
      return text;
    }
    case 'link': {
      const url = str(element.url) ?? '';
      const text = str(element.text);
      return text && text !== url ? `${text} (${url})` : url;
    }
    case 'user':
      return `@${str(element.user_id) ?? ''}`;
    case 'usergroup':
      return `@${str(element.usergroup_id) ?? ''}`;
    case 'channel':
      return `#${str(element.channel_id) ?? ''}`;
    case 'broadcast':
      return `@${str(element.range) ?? ''}`;
    case 'emoji':
      return `:${str(element.name) ?? ''}:`;
    case 'date':
      return formatSlackDate(Number(element.timestamp), str(element.format) ?? '', str(element.fallback) ?? '', options);
    default:
      return '';
  }
}
