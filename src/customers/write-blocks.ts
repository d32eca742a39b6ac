import type { Customer } from '../dart/schemas.ts';
import type { Role } from '../slack/access.ts';
import { context, message, section, type Block, type SlackMessage } from '../slack/blocks.ts';
import { infoView, type ModalView } from '../slack/modals.ts';
import { code, escapeMrkdwn, mention } from '../slack/mrkdwn.ts';
import { customerCard } from './blocks.ts';
import { FIELD_LABELS, type FieldName } from './form.ts';
import { NOTHING_KNOWN } from './state.ts';

/** One changed field of an edit; a password change carries no values, only that it changed. */
export type FieldChange = { field: Exclude<FieldName, 'password' | 'user_name'>; from: string; to: string } | { field: 'password' };

/** What an edit changes, field by field, in form order. */
export function changesBetween(
  before: Record<'first_name' | 'last_name' | 'email', string>,
  after: Record<'first_name' | 'last_name' | 'email', string> & { password?: string | undefined },
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of ['first_name', 'last_name', 'email'] as const) {
    if (before[field] !== after[field]) changes.push({ field, from: before[field], to: after[field] });
  }
  if (after.password !== undefined) changes.push({ field: 'password' });
  return changes;
}

/** `*First name*: Billy → William`, `*Password*: changed` (never the value). */
export function changeLines(changes: FieldChange[]): string {
  const shown = (value: string) => (value === '' ? '_(empty)_' : escapeMrkdwn(value));
  return changes
    .map((change) =>
      change.field === 'password'
        ? `*${FIELD_LABELS.password}*: changed`
        : `*${FIELD_LABELS[change.field]}*: ${shown(change.from)} → ${shown(change.to)}`,
    )
    .join('\n');
}

/** The modal after a customer was created: the card, and the generated password if there is one. */
export function createdView(callbackId: string, customer: Customer, generatedPassword: string | undefined): ModalView {
  const blocks: Block[] = [
    section(`:white_check_mark: Created ${code(customer.dart_user_name)} in DART.`),
    ...customerCard(customer, new Set(), NOTHING_KNOWN).blocks,
  ];
  if (generatedPassword !== undefined) {
    blocks.push(
      section(`*Generated password*\n${code(generatedPassword)}`),
      context(
        'Shown here only, once: copy it now and pass it on safely. This app does not keep it; closing this window hides it for good.',
      ),
    );
  }
  return infoView(callbackId, 'Customer created', blocks);
}

/** The confirmation for the creator, with the new customer's card and the buttons their roles allow. */
export function createdMessage(customer: Customer, createdBy: string, roles: ReadonlySet<Role>, passwordGenerated: boolean): SlackMessage {
  const card = customerCard(customer, roles, NOTHING_KNOWN);
  const note = passwordGenerated ? ' The generated password was shown in the form only.' : '';
  return message(`Created DART customer ${customer.dart_user_name}`, [
    section(`:white_check_mark: ${mention(createdBy)} created DART customer ${code(customer.dart_user_name)}.${note}`),
    ...card.blocks,
  ]);
}

/** The modal after an edit: what changed. */
export function editedView(callbackId: string, userName: string, changes: FieldChange[]): ModalView {
  return infoView(callbackId, 'Customer updated', [
    section(`:white_check_mark: Updated ${code(userName)} in DART.\n${changeLines(changes)}`),
  ]);
}

/** The confirmation for the editor: what changed. */
export function editedMessage(userName: string, editedBy: string, changes: FieldChange[]): SlackMessage {
  const text = `:white_check_mark: ${mention(editedBy)} updated DART customer ${code(userName)}:\n${changeLines(changes)}`;
  return message(`Updated DART customer ${userName}`, [section(text)]);
}
