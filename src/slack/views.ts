import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { SlackMessage } from './blocks.ts';
import type { ModalView } from './modals.ts';
import { code } from './mrkdwn.ts';
import { actingUserId, ephemeral } from './routes.ts';
import { slackErrorOf } from './errors.ts';
import type { Logger } from '../util/logger.ts';

/** Opens a modal; returns its view id, or undefined (logged) when Slack refused, e.g. an expired trigger id. */
export async function openModal(client: WebClient, triggerId: string, view: ModalView, logger: Logger): Promise<string | undefined> {
  try {
    const answer = await client.views.open({ trigger_id: triggerId, view });
    return answer.view?.id;
  } catch (error) {
    logger.warn({ reason: slackErrorOf(error), callbackId: view.callback_id }, 'could not open a modal');
    return undefined;
  }
}

/** Opens a form from a command or button; if Slack refuses, tells the person to run `command` again. */
export async function openFormOrSay(
  { client, triggerId, respond }: { client: WebClient; triggerId: string; respond: RespondFn },
  view: ModalView,
  command: string,
  logger: Logger,
): Promise<string | undefined> {
  const viewId = await openModal(client, triggerId, view, logger);
  if (!viewId)
    await respond(ephemeral(`Slack did not open the form (it may have taken too long). Please run ${code(command)} again.`)).catch(
      () => {},
    );
  return viewId;
}

/** Replaces an open modal's content; false (logged) when Slack refused, e.g. the modal was closed. */
export async function updateModal(client: WebClient, viewId: string, view: ModalView, logger: Logger): Promise<boolean> {
  try {
    await client.views.update({ view_id: viewId, view });
    return true;
  } catch (error) {
    logger.warn({ reason: slackErrorOf(error), callbackId: view.callback_id }, 'could not update a modal');
    return false;
  }
}

/** Where a private answer goes: an ephemeral in the channel the request came from, or else a DM from the app. */
export interface Recipient {
  userId: string;
  channelId?: string | undefined;
}

/**
 * Tells one person something privately: ephemerally in their channel, or by DM when there
 * is no channel or the app may not post there (not a member). Never throws; failures are logged.
 */
export async function tellUser(client: WebClient, { userId, channelId }: Recipient, reply: SlackMessage, logger: Logger): Promise<void> {
  if (channelId) {
    try {
      await client.chat.postEphemeral({ channel: channelId, user: userId, ...reply });
      return;
    } catch (error) {
      logger.warn({ reason: slackErrorOf(error), channelId, userId }, 'could not reply ephemerally; sending a DM instead');
    }
  }
  try {
    await client.chat.postMessage({ channel: userId, ...reply });
  } catch (error) {
    logger.warn({ reason: slackErrorOf(error), userId }, 'could not send a private reply');
  }
}

/** Posts in a channel for everyone; when the app may not post there, tells `fallback` privately instead. */
export async function postInChannel(
  client: WebClient,
  channelId: string,
  post: SlackMessage,
  fallback: Recipient,
  logger: Logger,
): Promise<void> {
  try {
    await client.chat.postMessage({ channel: channelId, ...post });
  } catch (error) {
    logger.warn({ reason: slackErrorOf(error), channelId }, 'could not post in the channel; telling the requester instead');
    await tellUser(client, { userId: fallback.userId }, post, logger);
  }
}

/** Who clicked a button, where, and the trigger id for opening a modal from it. */
export function actionContext(body: unknown): { userId: string; channelId: string | undefined; triggerId: string } {
  const payload = body as { channel?: { id?: string }; trigger_id?: string };
  // The role gate has checked this very id and refused a payload without one.
  return { userId: actingUserId(body) ?? '', channelId: payload.channel?.id, triggerId: payload.trigger_id ?? '' };
}
