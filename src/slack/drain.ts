import type { App } from '@slack/bolt';
import { sendJson } from '../http/router.ts';
import type { SignedSlackHandler } from './signed-requests.ts';
import type { InFlight } from '../util/in-flight.ts';

/** What a slash command sent during a drain shows its author (nothing else happens). */
const DRAINING_TEXT = ':hourglass: This DART app is restarting. Nothing was done; run the command again in a few seconds.';

/**
 * What a draining app answers new Slack work, in either mode: a slash command is answered
 * with `reply` (an ephemeral line saying nothing was done: a refusal would show the user
 * Slack's bare "dispatch_failed"); anything else (a button, form, shortcut or event) is
 * refused, which Slack shows as a failed click, so nobody believes it worked.
 */
export type DrainingAnswer = { kind: 'reply'; reply: { response_type: 'ephemeral'; text: string } } | { kind: 'refuse' };

/**
 * The one place that decides {@link DrainingAnswer}. `fields` are the request's top-level
 * fields: an HTTP request's form fields, or a Socket Mode envelope's payload. Only a slash
 * command has a `command` field; interactive payloads and events do not.
 */
export function drainingAnswer(fields: Readonly<Record<string, unknown>>): DrainingAnswer {
  if (typeof fields.command !== 'string') return { kind: 'refuse' };
  return { kind: 'reply', reply: { response_type: 'ephemeral', text: DRAINING_TEXT } };
}

/**
 * Hands verified Slack requests (body already read) to `listener` until `draining()` turns
 * true; from then on nothing new starts (see {@link drainingAnswer}): a slash command is
 * answered 200 with the reply, anything else gets a 503. Requests already inside `listener`
 * are not affected: they finish. Socket Mode does the same in SocketReceiver.
 */
export function refuseWhileDraining(listener: SignedSlackHandler, draining: () => boolean): SignedSlackHandler {
  return (request, response) => {
    if (!draining()) return listener(request, response);
    const answer = drainingAnswer(Object.fromEntries(new URLSearchParams(request.rawBody.toString('utf8'))));
    if (answer.kind === 'reply') return sendJson(response, 200, answer.reply);
    sendJson(response, 503, { error: 'draining' }, { 'retry-after': '5', connection: 'close' });
  };
}

/**
 * Tracks every HTTP Slack request's listeners until they finish. Bolt acks over HTTP at once
 * and runs the listener on (its DART call, its reply), so the HTTP request is over long before
 * the work is: a drain waits on this instead. Installed first, it wraps all the rest. (Socket
 * Mode tracks each envelope in SocketReceiver.)
 */
export function trackListenerWork(app: App, work: InFlight): void {
  app.use(async ({ next }) => {
    await work.track(next());
  });
}
