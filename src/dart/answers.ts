/**
 * How the client reads DART's answers, where DART's partner API page leaves it open: what a
 * write's success looks like, what DART's own "not found" looks like, and Retry-After.
 */
import { errorBodySchema } from './schemas.ts';

/** Words that make an answer read as a failure ("Insufficient partner balance", "Customer not found."). */
const FAILURE_WORDS =
  /\b(errors?|fail(s|ed|ure)?|insufficient|invalid|not found|unable|denied|refused|rejected|exception|unauthori[sz]ed|forbidden|not allowed)\b/i;

/** `status` values that say "it worked" / "it did not". */
const SUCCESS_STATUS = /^(success|succeeded|ok)$/i;

/**
 * The success text of a 2xx answer to a write, or `undefined` when the answer does not read
 * as a success. Every success on DART's page is a plain JSON string ("Customer Created
 * Successfully."), so such a string counts unless it reads as a failure. An object counts
 * only with an explicit sign (`success: true`, `status: "success"`, or a `message` that
 * does not read as a failure) and no sign of failure (`error`, `errors`, `success: false`,
 * another `status`). Anything else (empty, HTML, text, numbers) does not count.
 */
export function writeSuccess(text: string): string | undefined {
  const json = parseJson(text);
  if (typeof json === 'string') return json.trim() !== '' && !FAILURE_WORDS.test(json) ? json : undefined;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const body = json as Record<string, unknown>;
  if ('error' in body || 'errors' in body) return undefined;
  if ('success' in body && body.success !== true) return undefined;
  if ('status' in body && !(typeof body.status === 'string' && SUCCESS_STATUS.test(body.status))) return undefined;
  const message = typeof body.message === 'string' ? body.message : undefined;
  if (message !== undefined) return FAILURE_WORDS.test(message) ? undefined : message;
  return body.success === true || 'status' in body ? JSON.stringify(body).slice(0, 300) : undefined;
}

/** A short quote of what DART said in an answer that is not a success, for people and the audit. */
export function quoteAnswer(text: string): string {
  const message = readErrorBody(text)?.message;
  if (message !== undefined) return message.slice(0, 300);
  if (text.trim() === '') return 'an empty body';
  if (/^\s*</.test(text)) return 'an HTML page';
  return text.trim().slice(0, 300);
}

/**
 * What DART's own 404 says it did not find ("customer" for `{"message": "Customer not
 * found."}`, "token" for "Token not found."), or `undefined` when the 404 is not DART's:
 * an HTML page, Laravel's unknown-route answer ("Not found.", "The route … could not be
 * found."), anything without a subject before "not found".
 */
export function notFoundSubject(text: string): { missing: string; message: string } | undefined {
  const message = readErrorBody(text)?.message?.trim();
  const subject = message === undefined ? undefined : /^([A-Za-z][A-Za-z _-]{0,40}?) not found\.?$/i.exec(message)?.[1];
  return subject === undefined || message === undefined ? undefined : { missing: subject.toLowerCase(), message };
}

/** Extracts a message and field errors from a JSON error body (Laravel-style, or a bare string); undefined for HTML and the like. */
export function readErrorBody(text: string): { message?: string; fields: Record<string, string[]> } | undefined {
  const json = parseJson(text);
  if (typeof json === 'string') return { message: json, fields: {} };
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return undefined;
  const fields = Object.fromEntries(Object.entries(parsed.data.errors ?? {}).map(([field, messages]) => [field, [messages].flat()]));
  const message = parsed.data.message ?? parsed.data.error ?? Object.values(fields).flat()[0];
  return message === undefined ? { fields } : { message, fields };
}

/** `Retry-After` in milliseconds from `now`: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!/[a-z]/i.test(value)) return undefined; // an HTTP date names its day and month; "-1" is no date
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
