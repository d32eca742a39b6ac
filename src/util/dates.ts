/**
 * Dates for people, read in UTC, through Intl (built into Node). date-fns's `format` was
 * used before; its locale machinery cost ~27 MiB of resident memory at start-up
 * (bench/RESULTS.md), for two fixed patterns.
 */
const UTC_PARTS = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function partsOf(at: Date): Record<'day' | 'month' | 'year' | 'hour' | 'minute', string> {
  const parts = Object.fromEntries(UTC_PARTS.formatToParts(at).map((part) => [part.type, part.value]));
  return { day: parts.day ?? '', month: parts.month ?? '', year: parts.year ?? '', hour: parts.hour ?? '', minute: parts.minute ?? '' };
}

/** `8 Jun 2022` */
export function utcDay(at: Date): string {
  const { day, month, year } = partsOf(at);
  return `${day} ${month} ${year}`;
}

/** `8 Jun 2022, 14:05 UTC` */
export function utcDayTime(at: Date): string {
  const { hour, minute } = partsOf(at);
  return `${utcDay(at)}, ${hour}:${minute} UTC`;
}

/** The calendar date at the start of an ISO text (`2022-06-08`, `2022-06-08T10:00:00`), as UTC midnight; undefined when there is none or it does not exist. */
export function calendarDate(text: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : undefined;
}
