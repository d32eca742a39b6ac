import type { AuditLog } from '../audit/log.ts';
import type { CustomerStateReader } from '../customers/state.ts';
import type { DartClient } from '../dart/client.ts';
import type { AccessControl } from '../slack/access.ts';
import type { WebClient } from '@slack/web-api';
import type { HistorySources } from '../history/source.ts';
import type { HttpRouter } from '../http/router.ts';
import type { Logger } from '../util/logger.ts';

/**
 * What every capability's `register` receives: the shared clients. No configuration (the
 * composition root maps it to each capability's typed settings) and no database (a
 * capability that keeps state is handed its own repository).
 */
export interface Services {
  logger: Logger;
  dart: DartClient;
  access: AccessControl;
  /** Every write is recorded here (and posted to the audit channel when set). */
  audit: AuditLog;
  /** What `/dart history` shows; a capability adds its own source (e.g. received webhooks). */
  history: HistorySources;
  /** What the app's own records say about a customer (suspensions, account), for cards and replies. */
  customerState: CustomerStateReader;
  /** The bot's Web API client (fails fast: for interactive replies). */
  webClient: WebClient;
  /** The HTTP listener, for routes outside Slack (webhooks, health). */
  router: HttpRouter;
  /** The clock, injectable so tests can move time (expiry, schedules). */
  now: () => Date;
}
