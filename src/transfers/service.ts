import { randomUUID } from 'node:crypto';
import { addMinutes } from 'date-fns/addMinutes';
import type { Services } from '../app/services.ts';
import type { AuditAction, AuditEntryInput } from '../audit/repository.ts';
import { fullName } from '../dart/names.ts';
import { DartRejectedError, isDartError } from '../dart/errors.ts';
import type { Customer } from '../dart/schemas.ts';
import { InFlight } from '../util/in-flight.ts';
import { within } from '../util/within.ts';
import { approversNeeded, type TransferLimits } from './amount.ts';
import { transferMessage } from './blocks.ts';
import { executionRules, type ExecutionPolicy, type ExecutionRule } from './execution-rules.ts';
import { dailyRoom } from './daily-limits.ts';
import { frozenRefusal, isPastExpiry, refusal, VOID_TEXT, whyClosed, whyNotResolvable, type TransferAction } from './machine.ts';
import { refusedPost } from './slack-post.ts';
import type { Freeze, Resolution, Transfer, TransferOutcome, TransferRepository } from './repository.ts';
import { freezeAnnouncement, unfreezeAnnouncement } from './treasury-blocks.ts';
import type { SlackMessage } from '../slack/blocks.ts';
import { mention, slackDate } from '../slack/mrkdwn.ts';
import { platformErrorOf } from '../slack/errors.ts';

/** How often expired requests, abandoned executions and lagging messages are looked for. */
const SWEEP_INTERVAL_MS = 15_000;

/**
 * How long past DART's own timeout an execution may stay `executing` before it is taken
 * for abandoned (its app died mid-call). Longer than any call can last, so a live
 * instance's call is never declared unknown while it can still be answered.
 */
const EXECUTION_GRACE_MS = 30_000;

/** How long a transfer must be left alone before its lagging message is repaired, so a repair never races a live update. */
const MESSAGE_QUIET_MS = 60_000;

/** Slack errors after which updating a message will never work: stop trying. */
const GONE = new Set(['message_not_found', 'channel_not_found', 'not_in_channel', 'is_archived', 'cant_update_message', 'msg_too_long']);

/** A message in Slack: where a click came from. */
export interface MessageRef {
  channel: string;
  ts: string;
}

/** The result of a request: the posted transfer, or why nothing can be sent (mrkdwn). */
export type RequestResult = { ok: true; transfer: Transfer } | { ok: false; reason: string };

/** A freeze or its lifting: what to announce in the channel, and the redraw of every waiting confirmation; or why not (mrkdwn). */
export type FreezeResult = { ok: true; announcement: SlackMessage; redraw: () => Promise<void> } | { ok: false; reason: string };

/** A resolution: what to tell the treasurer at once, then the audit and redraw; or why not (mrkdwn). */
export type ResolveResult = { ok: true; confirmation: string; announce: () => Promise<void> } | { ok: false; reason: string };

/** The transfer rules and timings, from the configuration. */
export interface TransferSettings extends ExecutionPolicy {
  /** `DART_TIMEOUT_MS`: the longest a DART call can last, headers and body included. */
  dartTimeoutMs: number;
  /** How long past `dartTimeoutMs` a call stays live before it is taken for abandoned (default `EXECUTION_GRACE_MS`). */
  executionGraceMs?: number;
}

/**
 * Transfers from request to outcome: records a request and posts its confirmation, turns
 * clicks into compare-and-set moves of the store (so exactly one click, of any number on
 * any instance, calls DART, and only once), keeps the confirmation message in step with
 * the store, audits every step, and sweeps expired requests and abandoned executions.
 */
export class TransferService {
  readonly store: TransferRepository;
  readonly #services: Services;
  readonly #settings: TransferSettings;
  /** Names this app instance as the executor of the calls it makes. */
  readonly #instance = randomUUID();
  readonly #inFlight = new InFlight();
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;

  constructor(services: Services, store: TransferRepository, settings: TransferSettings) {
    this.#services = services;
    this.store = store;
    this.#settings = settings;
  }

  /** The configured limits, for the form and the amount check. */
  get limits(): TransferLimits {
    return this.#settings.limits;
  }

  /**
   * Stores a request for `amount` (a checked decimal string) and posts its confirmation in
   * `channel`; it can be confirmed only once Slack's answer has recorded that message. If
   * Slack refuses the post, the request is forgotten (nobody could have seen it) and the
   * reason says how to fix it. If Slack's answer never comes (timeout, dropped connection,
   * 5xx, unreadable), the post may have landed: the request is made void, so whatever
   * appears can never execute, and the requester is told so.
   */
  async request(input: { requestedBy: string; channel: string; customer: Customer; amount: string }): Promise<RequestResult> {
    const { webClient, logger } = this.#services;
    const approvers = approversNeeded(input.amount, this.limits);
    if (approvers > 0 && input.channel.startsWith('D')) return { ok: false, reason: DIRECT_MESSAGE };
    const now = this.#services.now();
    const freeze = await this.store.currentFreeze();
    if (freeze) return { ok: false, reason: frozenRefusal(freeze, 'Nothing was requested.') };
    const customer = input.customer.dart_user_name;
    const noRoom = await dailyRoom(this.store, this.limits, customer, await this.#services.history.namesOf(customer), input.amount, now);
    if (noRoom) return { ok: false, reason: noRoom };
    const transfer = await this.store.create({
      id: randomUUID(),
      customer: input.customer.dart_user_name,
      customerName: fullName(input.customer),
      amount: input.amount,
      needsApproval: approvers > 0,
      secondApproval: approvers === 2,
      requestedBy: input.requestedBy,
      requestedAt: now,
      expiresAt: addMinutes(now, this.#settings.confirmMinutes),
    });
    let posted: { channel?: string; ts?: string } | undefined;
    try {
      posted = await webClient.chat.postMessage({ channel: input.channel, ...transferMessage(transfer) });
    } catch (error) {
      const refused = refusedPost(error);
      if (refused) {
        await this.store.discard(transfer.id);
        logger.warn({ err: error, channel: input.channel }, 'Slack refused a transfer confirmation; request dropped');
        return { ok: false, reason: cannotPost(refused) };
      }
      logger.warn(
        { err: error, channel: input.channel, transfer: transfer.id },
        'Slack did not confirm a transfer confirmation; request made void',
      );
    }
    const attached = posted?.ts ? await this.store.attachMessage(transfer.id, posted.channel ?? input.channel, posted.ts) : undefined;
    if (attached?.state === 'requested') {
      await this.#record('transfer.request', attached, { requestedBy: attached.requestedBy });
      return { ok: true, transfer: attached };
    }
    if (attached) {
      // A click on the message arrived before Slack's answer and made it void: show it so.
      await this.#show(attached);
      return { ok: false, reason: UNCONFIRMED_POST };
    }
    const voided = await this.store.voidUnposted(transfer.id, UNCONFIRMED_DETAIL, this.#services.now());
    if (voided) await this.#record('transfer.void', voided, { requestedBy: voided.requestedBy });
    return { ok: false, reason: UNCONFIRMED_POST };
  }

  /**
   * A click on a confirmation's button. Returns what to tell the clicker (mrkdwn) when the
   * click changed nothing; when it did, the message itself shows what happened.
   */
  async press(action: TransferAction, id: string, actor: string, message: MessageRef | undefined): Promise<string | undefined> {
    const now = this.#services.now();
    const transfer = await this.store.get(id);
    if (!transfer) return 'This app has no record of this transfer. Nothing was sent.';
    if (!message || transfer.channel !== message.channel || transfer.messageTs !== message.ts)
      return this.#unrecorded(transfer, message, now);
    const closed = whyClosed(transfer, now);
    if (closed) {
      if (isPastExpiry(transfer, now)) await this.#expire(transfer.id, now);
      return closed;
    }
    const refused = refusal(transfer, action, actor);
    if (refused) return refused;
    if (action === 'cancel') {
      const cancelled = await this.store.cancel(id, actor, now);
      if (!cancelled) return this.#lostRace(id, now);
      await this.#record('transfer.cancel', cancelled, { requestedBy: actor });
      await this.#show(cancelled);
      return undefined;
    }
    // Renames and roles are not in the transfers' store: read them now, and the move checks them atomically.
    const rules = executionRules(this.#settings, {
      customerNames: await this.#services.history.namesOf(transfer.customer),
      noLongerTreasurers: await this.#noLongerTreasurers(transfer),
    });
    const move = { kind: action, actor, executor: this.#instance, now, message };
    if (action === 'approve' && transfer.secondApproval && !transfer.approvedBy) {
      // The first of two approvals moves no money: only the freeze is checked with it; every rule is checked with the second.
      const approved = await this.store.addApproval(
        id,
        move,
        rules.filter((rule) => rule.check.kind === 'not_frozen'),
      );
      if (approved) {
        await this.#record('transfer.approve', approved, { requestedBy: approved.requestedBy, confirmedBy: actor });
        await this.#show(approved);
        return undefined;
      }
      // Someone else gave the first approval meanwhile: this one may be the second.
    }
    const started = await this.store.startExecution(id, move, rules);
    if (started) {
      await this.#inFlight.track(this.#execute(started, action));
      return undefined;
    }
    // Frozen: the click is turned away and the transfer keeps waiting for the freeze to be lifted.
    const freeze = await this.store.currentFreeze();
    if (freeze) return frozenRefusal(freeze, 'Nothing was sent; the transfer waits until the freeze is lifted.');
    const finalRules = rules.filter((rule) => rule.check.kind !== 'not_frozen');
    return (await this.#refuse(id, finalRules, actor, now)) ?? this.#lostRace(id, now, action, actor);
  }

  /**
   * Who requested or first approved `transfer` and is no longer a treasurer, by the same
   * check as the role gate (user groups included). Roles are not in the store, so this is
   * asked just before the move; the move then refuses the transfer if any of them acted on it.
   */
  async #noLongerTreasurers(transfer: Transfer): Promise<string[]> {
    const earlier = [...new Set([transfer.requestedBy, ...(transfer.approvedBy ? [transfer.approvedBy] : [])])];
    const held = await Promise.all(earlier.map((user) => this.#services.access.allows(user, 'treasurer')));
    return earlier.filter((_, index) => !held[index]);
  }

  /** What needs someone now (`/dart transfers`), and the freeze in force. */
  async attention(): Promise<{ pending: Transfer[]; total: number; freeze: Freeze | undefined }> {
    const now = this.#services.now();
    const [pending, total, freeze] = await Promise.all([
      this.store.needingAttention(now),
      this.store.countNeedingAttention(now),
      this.store.currentFreeze(),
    ]);
    return { pending, total: Math.max(total, pending.length), freeze };
  }

  /** The freeze in force, if any (for `/dart help`). */
  currentFreeze(): Promise<Freeze | undefined> {
    return this.store.currentFreeze();
  }

  /**
   * Stops all money movement, from now, for every instance (the freeze is in the store).
   * Audited (and so posted to the audit channel); the caller announces it in the channel
   * and then redraws every waiting confirmation.
   */
  async freeze(actor: string, reason: string, channel: string): Promise<FreezeResult> {
    const started = await this.store.freeze({ by: actor, at: this.#services.now(), reason });
    if (!started) {
      const current = await this.store.currentFreeze();
      if (!current) return { ok: false, reason: 'The freeze changed while you typed. Run `/dart transfers` to see where things stand.' };
      return {
        ok: false,
        reason: `Transfers are already frozen since ${slackDate(current.at)} by ${mention(current.by)}. Nothing was changed.`,
      };
    }
    this.#services.logger.warn({ frozenBy: actor, channel }, 'transfers frozen');
    await this.#recordControl('transfer.freeze', actor, { reason });
    return { ok: true, announcement: freezeAnnouncement(started), redraw: () => this.#redrawWaiting() };
  }

  /** Lifts the freeze, if `actor` is not who set it. */
  async unfreeze(actor: string): Promise<FreezeResult> {
    const lifted = await this.store.unfreeze(actor, this.#services.now());
    if (!lifted) {
      const current = await this.store.currentFreeze();
      if (!current) return { ok: false, reason: 'Transfers are not frozen. Nothing was changed.' };
      return {
        ok: false,
        reason: `Only a treasurer other than ${mention(current.by)}, who froze transfers, may lift the freeze. Nothing was changed.`,
      };
    }
    this.#services.logger.warn({ liftedBy: actor }, 'transfers unfrozen');
    await this.#recordControl('transfer.unfreeze', actor, { reason: lifted.reason, frozenBy: lifted.by });
    return { ok: true, announcement: unfreezeAnnouncement(lifted, actor), redraw: () => this.#redrawWaiting() };
  }

  /** The transfer, if Mark as sent / not sent may be pressed on it; otherwise why not (mrkdwn). */
  async resolvable(id: string): Promise<{ ok: true; transfer: Transfer } | { ok: false; reason: string }> {
    const transfer = await this.store.get(id);
    if (!transfer) return { ok: false, reason: 'This app has no record of this transfer. Nothing was changed.' };
    const why = whyNotResolvable(transfer);
    return why ? { ok: false, reason: why } : { ok: true, transfer };
  }

  /**
   * Closes out an unknown outcome with what `actor` found in DART. One compare-and-set:
   * of two treasurers at once, one wins and the other is told who did. Nothing is sent to DART.
   */
  async resolve(id: string, outcome: Resolution['outcome'], actor: string, note: string): Promise<ResolveResult> {
    const resolved = await this.store.resolve(id, { outcome, by: actor, at: this.#services.now(), note });
    if (!resolved) {
      const current = await this.store.get(id);
      return {
        ok: false,
        reason: (current && whyNotResolvable(current)) ?? 'This app has no record of this transfer. Nothing was changed.',
      };
    }
    const confirmation =
      outcome === 'sent'
        ? 'Marked as sent. The transfer’s message now shows it, with your note.'
        : 'Marked as not sent. The transfer’s message now shows it, with your note. If the money is still needed, request a new transfer.';
    return {
      ok: true,
      confirmation,
      announce: async () => {
        await this.#record(
          'transfer.resolve',
          resolved,
          { requestedBy: resolved.requestedBy, confirmedBy: actor },
          { resolution: outcome, note },
        );
        await this.#show(resolved);
      },
    };
  }

  /** Redraws every confirmation still waiting for a click, so it shows the freeze as it is now. */
  async #redrawWaiting(): Promise<void> {
    for (const transfer of await this.store.waiting(this.#services.now())) await this.#show(transfer);
  }

  /**
   * A click on a message that is not the one recorded for its transfer: refused. While no
   * message is recorded (Slack's answer to the post never came, or has not come yet) the
   * transfer becomes void; the clicked message is redrawn as void either way, unless it is
   * recorded for another transfer.
   */
  async #unrecorded(transfer: Transfer, message: MessageRef | undefined, now: Date): Promise<string> {
    let current = transfer;
    const voided = transfer.messageTs ? undefined : await this.store.voidUnposted(transfer.id, UNRECORDED_DETAIL, now);
    this.#services.logger.warn(
      { transfer: transfer.id, message, voided: Boolean(voided) },
      'click on a transfer message the app never recorded; refused',
    );
    if (voided) {
      current = voided;
      await this.#record('transfer.void', voided, { requestedBy: voided.requestedBy });
    }
    // Never over another transfer's message: a stray click must not take it over.
    if (message && (await this.store.findByMessage(message.channel, message.ts)) === undefined) {
      const shown = current.state === 'void' ? current : { ...current, state: 'void' as const, detail: STRAY_DETAIL };
      await this.#draw(shown, message);
    }
    return `${VOID_TEXT} Nothing was sent from it.`;
  }

  /**
   * After a lost move to executing: the first rule that fails makes the transfer refused
   * (audited and shown); the reason is returned for the clicker. Undefined if every rule holds.
   */
  async #refuse(id: string, rules: readonly ExecutionRule[], actor: string, now: Date): Promise<string | undefined> {
    for (const rule of rules) {
      const refused = await this.store.refuse(id, rule, actor, now);
      if (!refused) continue;
      await this.#record('transfer.refuse', refused, { requestedBy: refused.requestedBy, confirmedBy: actor });
      await this.#show(refused);
      return whyClosed(refused, now);
    }
    return undefined;
  }

  /** Starts the sweeper; its first pass runs at once (start-up recovery). */
  startSweeping(intervalMs = SWEEP_INTERVAL_MS): void {
    if (this.#timer) return;
    void this.sweep();
    this.#timer = setInterval(() => void this.sweep(), intervalMs);
    this.#timer.unref();
  }

  /** Stops the sweeper and waits (bounded by DART's timeout) for calls to DART under way, so a graceful stop leaves none unknown. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#sweeping;
    await within(this.#inFlight.idle(), this.#deadlineMs());
  }

  /**
   * One pass: executions whose app died mid-call become unknown (never re-sent), requests
   * past their expiry become expired, and messages that lag behind the store are redrawn.
   */
  sweep(): Promise<void> {
    this.#sweeping ??= this.#sweepOnce()
      .catch((error: unknown) => this.#services.logger.error({ err: error }, 'transfer sweep failed'))
      .finally(() => {
        this.#sweeping = undefined;
      });
    return this.#sweeping;
  }

  async #sweepOnce(): Promise<void> {
    const now = this.#services.now();
    // A duration, not a point in time: the store measures it on its own clock (see TransferRepository).
    const lease = this.#settings.dartTimeoutMs + (this.#settings.executionGraceMs ?? EXECUTION_GRACE_MS);
    for (const transfer of await this.store.abandonExecutions(lease, 'the app stopped while waiting for DART’s answer', now)) {
      this.#services.logger.warn({ transfer: transfer.id }, 'transfer left executing by a stopped app is now unknown');
      await this.#record('transfer.execute', transfer, executionAudit(transfer, 'unknown', transfer.detail ?? ''));
      await this.#show(transfer);
    }
    for (const transfer of await this.store.expireDue(now)) await this.#expired(transfer);
    for (const transfer of await this.store.withStaleMessages(new Date(now.getTime() - MESSAGE_QUIET_MS))) await this.#show(transfer);
  }

  async #execute(transfer: Transfer, action: 'confirm' | 'approve'): Promise<void> {
    const { logger } = this.#services;
    // The audit entry is stored at once; its channel post and the "Executing…" redraw go
    // out beside the call, never before it: a slow Slack must not delay the one DART call
    // past the point where the sweeper would take it for abandoned.
    const announced = Promise.all([
      this.#record(action === 'confirm' ? 'transfer.confirm' : 'transfer.approve', transfer, {
        requestedBy: transfer.requestedBy,
        ...(transfer.decidedBy ? { confirmedBy: transfer.decidedBy } : {}),
      }),
      this.#show(transfer),
    ]);
    const { outcome, detail } = await this.#send(transfer);
    await announced; // so the outcome is drawn after "Executing…", not under it
    logger.info({ transfer: transfer.id, outcome }, 'transfer executed');
    // The audit records what DART answered even if the store cannot be written any more.
    await this.#record('transfer.execute', transfer, executionAudit(transfer, outcome, detail));
    const finished = await this.store.finish(transfer.id, this.#instance, outcome, detail, this.#services.now());
    if (finished?.lateAnswer)
      logger.error(
        { transfer: transfer.id, outcome, resolution: finished.resolution?.outcome },
        'DART answered after a treasurer resolved the unknown outcome: the resolution stays, the answer is shown beside it',
      );
    if (finished) await this.#show(finished);
    else logger.error({ transfer: transfer.id, outcome }, 'transfer outcome could not be stored: the row was not ours any more');
  }

  /**
   * The one call to DART: never retried; anything but a clear answer is `unknown`. The
   * client bounds the call end to end (`DART_TIMEOUT_MS`, body included), so a DART that
   * hangs ends here as a timeout, an unknown outcome.
   */
  async #send(transfer: Transfer): Promise<{ outcome: TransferOutcome; detail: string }> {
    try {
      return { outcome: 'succeeded', detail: await this.#services.dart.transferAmount(transfer.customer, transfer.amount) };
    } catch (error) {
      if (isDartError(error) && !error.outcomeUnknown) {
        return { outcome: 'failed', detail: error instanceof DartRejectedError ? error.dartMessage : error.message };
      }
      this.#services.logger.warn({ err: error, transfer: transfer.id }, 'transfer outcome unknown');
      return { outcome: 'unknown', detail: isDartError(error) ? error.message : 'the call failed in an unexpected way (logged)' };
    }
  }

  /** Explains a lost compare-and-set from the row as it is now, expiring it if that is why. */
  async #lostRace(id: string, now: Date, action?: TransferAction, actor?: string): Promise<string> {
    const current = await this.store.get(id);
    if (!current) return 'This app has no record of this transfer. Nothing was sent.';
    if (isPastExpiry(current, now)) await this.#expire(id, now);
    const refused = action && actor ? refusal(current, action, actor) : undefined;
    return whyClosed(current, now) ?? refused ?? 'This transfer changed while you clicked. Look at the message again.';
  }

  async #expire(id: string, now: Date): Promise<void> {
    const expired = await this.store.expire(id, now);
    if (expired) await this.#expired(expired);
  }

  async #expired(transfer: Transfer): Promise<void> {
    await this.#record('transfer.expire', transfer, { requestedBy: transfer.requestedBy });
    await this.#show(transfer);
  }

  /** Redraws the confirmation from the store; a failure is logged and left for the sweeper to repair. */
  async #show(transfer: Transfer): Promise<void> {
    if (!transfer.channel || !transfer.messageTs) return;
    // A waiting transfer shows the freeze; one sent to DART before it says it is not affected.
    const freeze = await this.store.currentFreeze();
    const settled = await this.#draw(transfer, { channel: transfer.channel, ts: transfer.messageTs }, freeze);
    if (settled) await this.#quietly(() => this.store.markShown(transfer.id, transfer.version));
  }

  /** Draws `transfer` on `message`; true when drawn, or when no later try could do better. */
  async #draw(transfer: Transfer, message: MessageRef, freeze?: Freeze): Promise<boolean> {
    const { webClient, logger } = this.#services;
    try {
      await webClient.chat.update({ channel: message.channel, ts: message.ts, ...transferMessage(transfer, freeze) });
      return true;
    } catch (error) {
      const reason = platformErrorOf(error);
      logger.warn({ err: error, transfer: transfer.id, state: transfer.state }, 'could not update a transfer message');
      return reason !== undefined && GONE.has(reason);
    }
  }

  /** Audits one step; `outcome` is `recorded` for every step but the call to DART. */
  async #record(
    action: AuditAction,
    transfer: Transfer,
    entry: Pick<AuditEntryInput, 'requestedBy'> & Partial<Pick<AuditEntryInput, 'confirmedBy' | 'outcome' | 'dartAnswer'>>,
    extra: Record<string, string> = {},
  ): Promise<void> {
    try {
      await this.#services.audit.record({
        action,
        customer: transfer.customer,
        sent: { transfer: transfer.id, customer: transfer.customer, amount: transfer.amount, ...extra },
        at: this.#services.now(),
        ...entry,
        outcome: entry.outcome ?? 'recorded',
      });
    } catch (error) {
      this.#services.logger.error({ err: error, transfer: transfer.id, action }, 'could not record a transfer step in the audit log');
    }
  }

  /** Audits a freeze or its lifting: about no customer, so it is in the audit log and channel, not in a customer's history. */
  async #recordControl(action: 'transfer.freeze' | 'transfer.unfreeze', actor: string, sent: Record<string, string>): Promise<void> {
    try {
      await this.#services.audit.record({ action, customer: '', requestedBy: actor, sent, outcome: 'recorded', at: this.#services.now() });
    } catch (error) {
      this.#services.logger.error({ err: error, action }, 'could not record a freeze in the audit log');
    }
  }

  async #quietly(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.#services.logger.warn({ err: error }, 'transfer store write failed');
    }
  }

  #deadlineMs(): number {
    return this.#settings.dartTimeoutMs + 2000;
  }
}

function executionAudit(transfer: Transfer, outcome: TransferOutcome, detail: string) {
  return {
    requestedBy: transfer.requestedBy,
    ...(transfer.decidedBy ? { confirmedBy: transfer.decidedBy } : {}),
    outcome,
    dartAnswer: detail,
  };
}

const DIRECT_MESSAGE =
  ':warning: This amount needs a second treasurer’s approval, and no other treasurer can see a direct message. Run the command in a channel where they can. Nothing was requested.';

/** Stored on a transfer made void because Slack never confirmed its post. */
const UNCONFIRMED_DETAIL = 'Slack did not confirm the post of this confirmation';
/** Stored on a transfer made void by a click on a message the app never recorded. */
const UNRECORDED_DETAIL = 'pressed on a message the app never recorded as posted';
/** Shown on a copy of a confirmation that is not the one recorded for its transfer. */
const STRAY_DETAIL = 'this copy of the confirmation is not the one the app recorded';

/** What the requester is told when Slack's answer to the post never came. */
const UNCONFIRMED_POST =
  ':warning: Slack did not confirm the post; any confirmation that appears cannot be used (pressing it only marks it void). Nothing was sent. Requesting the transfer again is safe: this request can never execute.';

/** What to tell a requester when the confirmation cannot be posted where they asked. */
function cannotPost(reason: string): string {
  const nothing = 'Nothing was requested.';
  switch (reason) {
    case 'not_in_channel':
      return `:warning: I can’t post in this channel, so nobody could confirm the transfer here. Invite me (\`/invite\` and this app’s name), or run the command in a channel I’m in. ${nothing}`;
    case 'channel_not_found':
      return `:warning: I can’t see this conversation (a private channel I’m not in, or a direct message). Run the command in a channel I’m in, or invite me there. ${nothing}`;
    case 'is_archived':
      return `:warning: This channel is archived. Run the command in another channel. ${nothing}`;
    default:
      return `:warning: Slack did not take the confirmation message (\`${reason}\`). ${nothing} Try again in a minute.`;
  }
}
