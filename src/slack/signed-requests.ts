import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { announcesMoreThan, readBody } from '../http/body.ts';
import type { RouteHandler } from '../http/router.ts';
import type { SlackRejectReason, SlackRejections } from './rejections.ts';

/**
 * The largest body accepted on `/slack/events`. Slack's largest requests are clicks that
 * carry their whole message (at most 50 blocks) and form submissions that carry their
 * whole view (at most 100 blocks), form-encoded (which can triple JSON); the app's own
 * messages and forms stay far below that. Bounds the memory one request can take.
 */
export const MAX_SLACK_BODY_BYTES = 256 * 1024;

/** `ssl_check=1&token=<verification token>` and nothing else fits in this. */
const SSL_CHECK_MAX_BYTES = 256;

/** Slack's own rule: a request timestamped more than five minutes from our clock is refused (a replay). */
const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/** Takes a Slack request whose signature was verified, with the body it was verified on. */
export type SignedSlackHandler = (request: IncomingMessage & { rawBody: Buffer }, response: ServerResponse) => unknown;

export interface SignedSlackRequestsInit {
  /** The signing secrets accepted: the current one, then the previous one while it is being rotated out. */
  secrets: readonly string[];
  rejected: SlackRejections;
  /** Where a verified request goes, its body kept as `rawBody` (Bolt's receiver, with its own check off). */
  forward: SignedSlackHandler;
}

/**
 * The `/slack/events` route in HTTP mode. It refuses what is not Slack's as early as it can:
 * missing signature headers and stale timestamps before a byte of the body is read (but
 * for Slack's tiny unsigned certificate check), an
 * announced body over the cap before it is read, a longer one as soon as it passes the cap,
 * then checks the signature against each accepted secret in constant time. Bolt's
 * receiver takes only one secret, so it gets the verified request with its check turned off.
 */
export function signedSlackRequests({ secrets, rejected, forward }: SignedSlackRequestsInit): RouteHandler {
  return async (request, response) => {
    const refuse = (status: number, reason: SlackRejectReason) => {
      rejected(reason);
      sendEmpty(response, status);
    };
    const signature = singleHeader(request, 'x-slack-signature');
    const timestamp = singleHeader(request, 'x-slack-request-timestamp');
    if (signature === undefined || timestamp === undefined) {
      if (await isSslCheck(request)) return sendEmpty(response, 200);
      return refuse(401, 'missing_signature');
    }
    if (!isFresh(timestamp, Date.now())) return refuse(401, 'stale_timestamp');
    if (announcesMoreThan(request, MAX_SLACK_BODY_BYTES)) return refuse(413, 'body_too_large');
    const raw = await readBody(request, MAX_SLACK_BODY_BYTES);
    if (raw === 'aborted') return;
    if (raw === 'too_large') return refuse(413, 'body_too_large');
    // Every secret is tried (no early exit), so the time taken does not say which one matched.
    const matches = secrets.map((secret) => signatureMatches(signature, secret, timestamp, raw));
    if (!matches.includes(true)) return refuse(401, 'bad_signature');
    forward(Object.assign(request, { rawBody: raw }), response);
  };
}

/** Closing the connection means the unread rest of a body is never read. */
function sendEmpty(response: ServerResponse, status: number): void {
  response.writeHead(status, { connection: 'close' });
  response.end();
}

/**
 * Slack's certificate check of a slash command URL (`ssl_check=1&token=…`) may come
 * unsigned (Bolt exempts it too). It is recognised only in a tiny body, read whole, and
 * answered 200 without reaching Bolt, so nothing can be smuggled in with it.
 */
async function isSslCheck(request: IncomingMessage): Promise<boolean> {
  const length = Number(request.headers['content-length'] ?? Number.NaN);
  if (!(length > 0 && length <= SSL_CHECK_MAX_BYTES)) return false;
  const raw = await readBody(request, SSL_CHECK_MAX_BYTES);
  return Buffer.isBuffer(raw) && new URLSearchParams(raw.toString('utf8')).get('ssl_check') === '1';
}

function singleHeader(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isFresh(timestamp: string, nowMs: number): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) <= MAX_CLOCK_SKEW_SECONDS;
}

/** Slack's v0 signature: `v0=` and the hex HMAC-SHA256 of `v0:<timestamp>:<body>`. */
function signatureMatches(presented: string, secret: string, timestamp: string, body: Buffer): boolean {
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`);
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
