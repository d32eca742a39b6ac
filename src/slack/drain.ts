import type { App } from '@slack/bolt';
import { sendJson } from '../http/router.ts';
import type { SignedSlackHandler } from './signed-requests.ts';
import type { InFlight } from '../util/in-flight.ts';

/** What a slash command sent during a drain shows its author (nothing else happens). */
const DRAINING_TEXT = ':hourglass: This DART app is restarting. Nothing was done; run the command again in a few seconds.';

/**
 * Hands verified Slack requests (body already read) to `listener` until `draining()` turns true; from then on
 * nothing new starts. A slash command is answered 200 with a short ephemeral line saying
 * nothing was done (a 5xx would show the user Slack's bare "dispatch_failed"); a button,
 * form or shortcut gets a 503, which Slack shows as a failed click, so nobody believes it
 * worked. Requests already inside `listener` are not affected: they finish.
 */
export function refuseWhileDraining(listener: SignedSlackHandler, draining: () => boolean): SignedSlackHandler {
  return (request, response) => {
    if (!draining()) return listener(request, response);
    if (new URLSearchParams(request.rawBody.toString('utf8')).has('command')) {
      return sendJson(response, 200, { response_type: 'ephemeral', text: DRAINING_TEXT });
    }
    sendJson(response, 503, { error: 'draining' }, { 'retry-after': '5', connection: 'close' });
  };
}

/**
 * Tracks every Slack request's listeners until they finish. Bolt acks over HTTP at once and
 * runs the listener on (its DART call, its reply), so the HTTP request is over long before
 * the work is: a drain waits on this instead. Installed first, it wraps all the rest.
 */
export function trackListenerWork(app: App, work: InFlight): void {
  app.use(async ({ next }) => {
    await work.track(next());
  });
}
