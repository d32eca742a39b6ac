import { context, message, section, type Block, type SlackMessage } from '../slack/blocks.ts';
import { modal, selectInput, textInput, type ModalView } from '../slack/modals.ts';
import { code, mention, slackDate } from '../slack/mrkdwn.ts';
import { describeHours, MAX_SUSPENSION_HOURS, parseDuration } from './duration.ts';
import type { SuspensionState } from '../customers/state.ts';
import type { ScheduleResult } from './reminders.ts';
import { VIEWS } from '../slack/ids.ts';

/** The suspend form's fields. */
const SUSPEND_FIELDS = { preset: 'preset', custom: 'custom' } as const;

/** The common durations offered in the form, in hours. */
const PRESET_HOURS = [1, 4, 12, 24, 48, 168] as const;

/** The form that asks how long to suspend a customer's trade scripts. */
export function suspendForm(userName: string, metadata: unknown): ModalView {
  return modal({
    callbackId: VIEWS.suspend,
    title: 'Suspend trade scripts',
    submit: 'Suspend',
    metadata,
    blocks: [
      section(
        `Restrict the trade scripts of ${code(userName)} in DART for a number of hours. DART lifts the restriction by itself at the end.`,
      ),
      selectInput({
        blockId: SUSPEND_FIELDS.preset,
        label: 'Duration',
        optional: true,
        placeholder: 'Choose a duration',
        choices: PRESET_HOURS.map((hours) => [String(hours), describeHours(hours)] as const),
      }),
      textInput({
        blockId: SUSPEND_FIELDS.custom,
        label: 'Or another duration',
        optional: true,
        placeholder: 'e.g. 10, 10h or 2d',
        hint: `Whole hours, 1 to ${MAX_SUSPENSION_HOURS}: 10 or 10h is ten hours, 2d is 48 hours.`,
      }),
    ],
  });
}

export interface Suspension {
  userName: string;
  hours: number;
  until: Date;
  by: string;
}

/** The channel's confirmation: who suspended whom, for how long, until when (each reader's own time zone). */
export function suspendedMessage(suspension: Suspension, reminder: ScheduleResult | undefined): SlackMessage {
  const { userName, hours, until, by } = suspension;
  const text = `:no_entry: ${mention(by)} suspended the trade scripts of ${code(userName)} for ${describeHours(hours)}, until ${slackDate(until)}.`;
  const note = !reminder
    ? 'No reminder will be posted: this was not started from a channel.'
    : reminder.scheduled
      ? 'A reminder will be posted here when it ends.'
      : `:warning: No reminder will be posted here: Slack said ${code(reminder.reason)} (invite the app to this channel to get reminders).`;
  return message(`Trade scripts of ${userName} suspended for ${describeHours(hours)}`, [section(text), context(note)]);
}

/** Posted by Slack at the end of a suspension. */
export function reminderMessage(suspension: Suspension): SlackMessage {
  const { userName, hours, by } = suspension;
  return message(`The trade-script suspension of ${userName} ends now`, [
    section(
      `:alarm_clock: The ${describeHours(hours)} trade-script suspension of ${code(userName)}, set by ${mention(by)}, ends now. ` +
        `${code(`/dart scripts ${userName}`)} shows their trade scripts.`,
    ),
  ]);
}

/**
 * The channel's confirmation of a resume. It says "lifted" only for a suspension the app
 * itself recorded as running (DART confirmed it); otherwise it says what it knows, and
 * what DART was told.
 */
export function resumedMessage(userName: string, by: string, before: SuspensionState, reminderCancelled: boolean): SlackMessage {
  const text =
    before.kind === 'suspended'
      ? `:arrow_forward: ${mention(by)} lifted the trade-script restriction of ${code(userName)} (suspended by ${mention(before.by)} until ${slackDate(before.until)}).`
      : `:arrow_forward: ${mention(by)} told DART to allow the trade scripts of ${code(userName)}. ${notSuspended(before)}.`;
  const blocks: Block[] = [section(text)];
  if (reminderCancelled) blocks.push(context('The pending end-of-suspension reminder was taken back.'));
  return message(
    before.kind === 'suspended' ? `Trade scripts of ${userName} resumed` : `DART told to allow the trade scripts of ${userName}`,
    blocks,
  );
}

/** What the app knew when asked to resume a customer it did not record as suspended. */
function notSuspended(state: SuspensionState): string {
  switch (state.kind) {
    case 'ended':
      return `The last suspension by this app, by ${mention(state.by)}, had already ended ${slackDate(state.until)}`;
    case 'lifted':
      return `The last suspension by this app was already lifted by ${mention(state.by)} ${slackDate(state.at)}`;
    case 'outcome-unknown':
      return (
        `The last ${state.write === 'suspend' ? 'suspension' : 'resume'} by this app, sent by ${mention(state.by)} ${slackDate(state.at)}, ` +
        'had an unknown outcome, so whether a restriction was in force is not known'
      );
    default:
      return 'No suspension by this app was recorded';
  }
}

/** The suspend form's answer: one duration, from the list or typed, never both. */
export function parseSuspendForm(
  values: Record<string, string>,
): { ok: true; hours: number } | { ok: false; errors: Record<string, string> } {
  const preset = values[SUSPEND_FIELDS.preset] ?? '';
  const custom = (values[SUSPEND_FIELDS.custom] ?? '').trim();
  if (preset !== '' && custom !== '')
    return { ok: false, errors: { [SUSPEND_FIELDS.custom]: 'Choose from the list or type a duration, not both.' } };
  if (preset === '' && custom === '') return { ok: false, errors: { [SUSPEND_FIELDS.preset]: 'Choose a duration, or type one below.' } };
  const field = custom !== '' ? SUSPEND_FIELDS.custom : SUSPEND_FIELDS.preset;
  const parsed = parseDuration(custom || preset);
  return parsed.ok ? parsed : { ok: false, errors: { [field]: parsed.error } };
}
