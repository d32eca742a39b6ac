/** The longest suspension the product allows (the product's rule: whole hours, 1 to 720). */
export const MAX_SUSPENSION_HOURS = 720;

/** The accepted forms, as shown to a person who typed something else. */
const DURATION_FORMS = `a whole number of hours from 1 to ${MAX_SUSPENSION_HOURS}: 10, 10h or 2d (2d = 48 hours)`;

export type DurationResult = { ok: true; hours: number } | { ok: false; error: string };

/**
 * Reads a suspension length: `10` and `10h` are hours, `2d` is 48 hours. Fractions, zero,
 * negatives, words and more than 720 hours are refused with the accepted forms.
 */
export function parseDuration(text: string): DurationResult {
  const match = /^(\d{1,6})([hd]?)$/i.exec(text.trim());
  if (!match) return { ok: false, error: `"${text.trim()}" is not a duration. Give ${DURATION_FORMS}.` };
  const hours = Number(match[1]) * (match[2]?.toLowerCase() === 'd' ? 24 : 1);
  if (hours < 1) return { ok: false, error: `A suspension lasts at least 1 hour. Give ${DURATION_FORMS}.` };
  if (hours > MAX_SUSPENSION_HOURS) {
    return { ok: false, error: `${text.trim()} is ${hours} hours, more than the ${MAX_SUSPENSION_HOURS} allowed. Give ${DURATION_FORMS}.` };
  }
  return { ok: true, hours };
}

/** `1 hour`, `48 hours (2 days)`. */
export function describeHours(hours: number): string {
  const plain = `${hours} hour${hours === 1 ? '' : 's'}`;
  return hours >= 48 && hours % 24 === 0 ? `${plain} (${hours / 24} days)` : plain;
}
