import { randomUUID } from 'node:crypto';
import type { Logger } from '../util/logger.ts';
import type { DartClient } from './client.ts';
import { isDartError } from './errors.ts';

/** What the start-up probe found out about DART at `DART_API_URL` with `DART_API_TOKEN`. */
type DartProbeStatus =
  | 'checking'
  /** DART answered as DART does, and accepted the token. */
  | 'ok'
  | 'token_refused'
  | 'wrong_url'
  | 'unreachable'
  /** DART answered, but with a server error, a rate limit or something unreadable. */
  | 'unhealthy';

export interface DartProbeReport {
  status: DartProbeStatus;
  /** One line for people, never the token. */
  detail?: string;
  checkedAt?: string;
}

/** The start-up probe: `report()` is what `/healthz` shows as `dart`. */
export interface DartProbe {
  report(): DartProbeReport;
}

/**
 * Asks DART, without moving anything, whether it answers at the configured URL with the
 * configured token: a `customer/get` for a user name no customer can have. DART's own
 * "Customer not found." means reachable and token accepted. The result is logged and kept
 * for `/healthz`; whatever it is, the app keeps starting (webhooks must still be received).
 */
export function probeDart(dart: DartClient, logger: Logger): DartProbe {
  let current: DartProbeReport = { status: 'checking' };
  void dart
    .getCustomer(`dart-slack-probe-${randomUUID()}`)
    .then(
      () => ({ status: 'ok' as const, detail: 'DART answered and accepted the token' }),
      (error: unknown) => classify(error),
    )
    .then((found) => {
      current = { ...found, checkedAt: new Date().toISOString() };
      const line = { dart: current, url: dart.baseUrl };
      if (found.status === 'ok') logger.info(line, 'DART probe: reachable, token accepted');
      else logger.error(line, `DART probe: ${found.detail}`);
    });
  return { report: () => current };
}

function classify(error: unknown): Omit<DartProbeReport, 'checkedAt'> {
  if (!isDartError(error)) return { status: 'unhealthy', detail: 'the probe failed in an unexpected way' };
  switch (error.kind) {
    case 'not_found':
    case 'rejected':
      // DART's own answers, given only after the token was accepted.
      return { status: 'ok', detail: 'DART answered and accepted the token' };
    case 'unauthorized':
      return { status: 'token_refused', detail: 'DART refused DART_API_TOKEN' };
    case 'wrong_url':
    case 'redirected':
      return { status: 'wrong_url', detail: error.message };
    case 'network':
    case 'timeout':
      return {
        status: 'unreachable',
        detail: error.message.includes('DART_API_URL') ? error.message : `${error.message} (check DART_API_URL)`,
      };
    default:
      return { status: 'unhealthy', detail: error.message };
  }
}
