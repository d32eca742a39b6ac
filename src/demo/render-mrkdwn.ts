/**
 * Slack mrkdwn as terminal text, plus the small text tools the block renderer shares:
 * ANSI styling, visible width and word wrap. Pure: no I/O.
 */
import { differenceInCalendarDays } from 'date-fns/differenceInCalendarDays';
import { format } from 'date-fns/format';
import { emojify } from './emoji.ts';

/** How the console renders text. */
export interface RenderOptions {
  /** Emit ANSI styles and colors; off gives plain text. */
  color: boolean;
  /** IANA zone for `<!date^…>` tokens; default: the process time zone. */
  timeZone?: string;
  /** Columns to wrap at; default 80. */
  width?: number;
  /** The moment Today/Yesterday/Tomorrow are counted from; default: the current time. */
  now?: Date;
  /** The name Slack would show for a user id in `<@U…>`; the id is shown when unknown. */
  userName?: (id: string) => string | undefined;
}

const ANSI = {
  bold: ['\x1b[1m', '\x1b[22m'],
  italic: ['\x1b[3m', '\x1b[23m'],
  dim: ['\x1b[2m', '\x1b[22m'],
  cyan: ['\x1b[36m', '\x1b[39m'],
  green: ['\x1b[32m', '\x1b[39m'],
  red: ['\x1b[31m', '\x1b[39m'],
} as const;

/** A terminal style `paint` can apply. */
export type Style = keyof typeof ANSI;

/** Wraps text in the ANSI codes of `style` when color is on; otherwise returns it unchanged. */
export function paint(text: string, style: Style, options: RenderOptions): string {
  if (!options.color || text === '') return text;
  const [on, off] = ANSI[style];
  // An inner style that ends with the same code (bold inside dim) would end ours too: reopen it.
  return on + text.replaceAll(off, off + on) + off;
}

/** Columns a string takes in the terminal: ANSI codes take none. */
export function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the terminal's escape character is the point
  return [...text.replace(/\x1b\[[0-9;]*m/g, '')].length;
}

/**
 * Word-wraps text at `width` columns, line by line. Continuation lines keep the line's
 * indent; a word longer than the width stays whole, since a broken URL is unusable.
 */
export function wrapText(text: string, width: number): string[] {
  return text.split('\n').flatMap((line) => wrapLine(line, width));
}

function wrapLine(line: string, width: number): string[] {
  if (visibleLength(line) <= width) return [line];
  const indent = /^ */.exec(line)?.[0] ?? '';
  const lines: string[] = [];
  let current = '';
  for (const [, space = '', word = ''] of line.slice(indent.length).matchAll(/(\s*)(\S+)/g)) {
    if (current === '') current = word;
    else if (visibleLength(indent + current + space + word) <= width) current += space + word;
    else {
      lines.push(indent + current);
      current = word;
    }
  }
  lines.push(indent + current);
  return lines;
}

/** Converts Slack mrkdwn to terminal text (may hold newlines; not wrapped). */
export function renderMrkdwn(text: string, options: RenderOptions): string {
  // Code blocks first: nothing inside them is emphasis. Odd parts are their contents.
  const parts = text.split(/```([\s\S]*?)```/);
  const out: string[] = [];
  parts.forEach((part, index) => {
    if (index % 2 === 1) {
      out.push(codeBlock(part, options));
      return;
    }
    // The block goes on lines of its own: drop the spaces and newline that touch it.
    let prose = index > 0 ? part.replace(/^[ \t]*\n?/, '') : part;
    if (index < parts.length - 1) prose = prose.replace(/\n?[ \t]*$/, '');
    if (prose !== '' || parts.length === 1) out.push(inline(prose, options));
  });
  return out.join('\n');
}

function codeBlock(content: string, options: RenderOptions): string {
  const body = content.replace(/^\n/, '').replace(/\n$/, '');
  const resolved = body.replace(/<([^<>\n]+)>/g, (whole, token: string) => renderToken(token, options) ?? whole);
  return unescapeEntities(resolved)
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

// Emphasis needs a non-word character (or an edge) outside each delimiter and no space
// inside it, as in Slack: `snake_case_name` and `2*3*4` stay as written.
const BOLD = /(?<![\p{L}\p{N}*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\p{L}\p{N}*])/gu;
const ITALIC = /(?<![\p{L}\p{N}_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\p{L}\p{N}_])/gu;
const STRIKE = /(?<![\p{L}\p{N}~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\p{L}\p{N}~])/gu;

// Markers stand in for ANSI codes while the emphasis patterns run: the codes end in a
// letter, which would defeat the word-boundary checks of the next pattern.
const MARKERS: Record<string, string> = {
  '\uE010': '\x1b[1m',
  '\uE011': '\x1b[22m',
  '\uE012': '\x1b[3m',
  '\uE013': '\x1b[23m',
};

function inline(text: string, options: RenderOptions): string {
  // Tokens and code spans are set aside as placeholders so emphasis cannot reach into them.
  const saved: string[] = [];
  const save = (value: string): string => `\uE000${saved.push(value) - 1}\uE001`;
  const restore = (value: string): string => value.replace(/\uE000(\d+)\uE001/g, (_, index: string) => restore(saved[Number(index)] ?? ''));

  const styled = text
    .replace(/<([^<>\n]+)>/g, (whole, token: string) => {
      const rendered = renderToken(token, options);
      return rendered === undefined ? whole : save(rendered);
    })
    .replace(/`([^`\n]+)`/g, (_, code: string) => save(paint(code, 'cyan', options)))
    .replace(/:[a-z0-9_+-]+:/g, emojify)
    .replace(BOLD, '\uE010$1\uE011')
    .replace(ITALIC, '\uE012$1\uE013')
    .replace(STRIKE, '$1');
  const painted = restore(styled).replace(/[\uE010-\uE013]/g, (marker) => (options.color ? (MARKERS[marker] ?? '') : ''));
  // Last, so escaped text comes out literally and never becomes a link or a mention.
  return unescapeEntities(painted);
}

function unescapeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp);/g, (_, name: string) => (name === 'lt' ? '<' : name === 'gt' ? '>' : '&'));
}

/** One `<…>` token as text, or undefined when it is not a Slack token (left as written). */
function renderToken(token: string, options: RenderOptions): string | undefined {
  const bar = token.indexOf('|');
  const target = bar === -1 ? token : token.slice(0, bar);
  const label = bar === -1 ? '' : token.slice(bar + 1);
  if (target.startsWith('@')) return `@${(label || options.userName?.(target.slice(1)) || target.slice(1)).replace(/^@/, '')}`;
  if (target.startsWith('#')) return `#${label || target.slice(1)}`;
  if (target.startsWith('!')) return renderCommand(target.slice(1), label, options);
  if (/^mailto:/i.test(target)) return label || target.slice('mailto:'.length);
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return label && label !== target ? `${label} (${target})` : target;
  return undefined;
}

function renderCommand(command: string, label: string, options: RenderOptions): string {
  const [name = '', ...args] = command.split('^');
  if (name === 'here' || name === 'channel' || name === 'everyone') return `@${name}`;
  if (name === 'subteam') return label || `@${args[0] ?? 'subteam'}`;
  if (name === 'date') {
    const [seconds = '', template = '', link] = args;
    const date = formatSlackDate(Number(seconds), template, label, options);
    return link ? `${date} (${link})` : date;
  }
  return label || `@${name}`;
}

const DATE_PATTERNS: Record<string, string> = {
  date_num: 'yyyy-MM-dd',
  date: 'MMMM d, yyyy',
  date_short: 'MMM d, yyyy',
  date_long: 'EEEE, MMMM d, yyyy',
};
const PRETTY: Record<string, string> = { date_pretty: 'date', date_short_pretty: 'date_short', date_long_pretty: 'date_long' };
const RELATIVE_DAYS = new Map([
  [0, 'Today'],
  [-1, 'Yesterday'],
  [1, 'Tomorrow'],
]);

/**
 * Fills a Slack date template (`{date_short_pretty} at {time}`) for a Unix time in seconds,
 * in options.timeZone. Returns `fallback` when the time, the zone or any token is unknown.
 */
export function formatSlackDate(seconds: number, template: string, fallback: string, options: RenderOptions): string {
  if (!Number.isFinite(seconds)) return fallback;
  let at: WallClock;
  let now: WallClock;
  try {
    at = wallClock(new Date(seconds * 1000), options.timeZone);
    now = wallClock(options.now ?? new Date(), options.timeZone);
  } catch {
    return fallback; // Intl refuses an unknown time zone
  }
  let known = true;
  const text = template.replace(/\{(\w+)\}/g, (_, token: string) => {
    const value = dateToken(token, at, now);
    if (value === undefined) known = false;
    return value ?? '';
  });
  return known ? text : fallback;
}

function dateToken(token: string, at: WallClock, now: WallClock): string | undefined {
  if (token === 'time') return `${at.hour}:${at.minute}`;
  if (token === 'time_secs') return `${at.hour}:${at.minute}:${at.second}`;
  const base = PRETTY[token];
  if (base !== undefined) {
    const relative = RELATIVE_DAYS.get(differenceInCalendarDays(at.day, now.day));
    if (relative !== undefined) return relative;
  }
  const pattern = DATE_PATTERNS[base ?? token];
  return pattern === undefined ? undefined : format(at.day, pattern);
}

interface WallClock {
  /** Noon of the zone's calendar day, as a process-local Date for date-fns. */
  day: Date;
  hour: string;
  minute: string;
  second: string;
}

function wallClock(date: Date, timeZone: string | undefined): WallClock {
  // date-fns has no time zones of its own: Intl gives the zone's wall-clock parts.
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '0';
  return {
    // Noon, because a DST change in the process zone never skips it.
    day: new Date(Number(part('year')), Number(part('month')) - 1, Number(part('day')), 12),
    hour: part('hour').padStart(2, '0'),
    minute: part('minute').padStart(2, '0'),
    second: part('second').padStart(2, '0'),
  };
}
