import { z } from 'zod';
import { DartRejectedError } from '../dart/errors.ts';
import type { Customer } from '../dart/schemas.ts';
import { USER_NAME_PATTERN } from '../slack/arguments.ts';
import { context, section, type Block } from '../slack/blocks.ts';
import { modal, textInput, type ModalView } from '../slack/modals.ts';
import { code, escapeMrkdwn } from '../slack/mrkdwn.ts';
import { VIEWS } from '../slack/ids.ts';

/** The form's fields in the order shown; each is an input block whose block id is DART's field name. */
export const FIELD_LABELS = {
  first_name: 'First name',
  last_name: 'Last name',
  user_name: 'User name',
  email: 'Email',
  password: 'Password',
} as const;
export type FieldName = keyof typeof FIELD_LABELS;

const PASSWORD_MIN = 8;
const PASSWORD_MAX = 128;

const required = (max: number) => z.string().trim().min(1, 'Required.').max(max, `At most ${max} characters.`);

/** The rules a customer form is held to before DART sees it; messages are shown on the field. */
const createSchema = z.object({
  first_name: required(100),
  last_name: required(100),
  user_name: z
    .string()
    .trim()
    .min(1, 'Required.')
    .refine((value) => !/\s/.test(value), 'No spaces: a user name is one word.')
    .refine((value) => value.length >= 3, 'At least 3 characters.')
    .refine((value) => value.length <= 64, 'At most 64 characters.')
    .refine((value) => USER_NAME_PATTERN.test(value), 'Letters, digits and . _ - @ + only, starting with a letter or digit.'),
  email: z
    .string()
    .trim()
    .min(1, 'Required.')
    .max(254, 'At most 254 characters.')
    .pipe(z.email('Not a valid email address (name@example.com).')),
  // Passwords are taken as typed (no trimming); empty means "generate one" or "unchanged".
  password: z
    .string()
    .transform((value) => (value === '' ? undefined : value))
    .pipe(
      z
        .string()
        .min(PASSWORD_MIN, `At least ${PASSWORD_MIN} characters, or leave it empty.`)
        .max(PASSWORD_MAX, `At most ${PASSWORD_MAX} characters.`)
        .optional(),
    ),
});
const editSchema = createSchema.omit({ user_name: true });

export type CreateFields = z.output<typeof createSchema>;
export type EditFields = z.output<typeof editSchema>;

/** Field errors keyed by block id (the field's name), one message per field. */
export type FieldErrors = Record<string, string>;

export type FormResult<T> = { ok: true; fields: T } | { ok: false; errors: FieldErrors };

/** Checks a submitted create form; errors are keyed by block id, one per field. */
export function parseCreateForm(values: Record<string, string>): FormResult<CreateFields> {
  return check(createSchema, values);
}

/** Checks a submitted edit form (no user name: DART keys the customer by it). */
export function parseEditForm(values: Record<string, string>): FormResult<EditFields> {
  return check(editSchema, values);
}

function check<T>(schema: z.ZodType<T>, values: Record<string, string>): FormResult<T> {
  const withDefaults = Object.fromEntries(Object.keys(FIELD_LABELS).map((field) => [field, values[field] ?? '']));
  const parsed = schema.safeParse(withDefaults);
  if (parsed.success) return { ok: true, fields: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    errors[String(issue.path[0])] ??= issue.message;
  }
  return { ok: false, errors };
}

/**
 * DART's per-field refusals (a 422 with `errors.user_name`, say) on the fields of the form
 * that has them; undefined when DART named none of them, so the caller shows the refusal
 * as a whole instead.
 */
export function dartFieldErrors(error: unknown, fields: readonly FieldName[]): FieldErrors | undefined {
  if (!(error instanceof DartRejectedError)) return undefined;
  const errors: FieldErrors = {};
  for (const field of fields) {
    const message = error.fieldErrors[field]?.[0];
    if (message) errors[field] = `DART: ${message}`.slice(0, 300);
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

/** The fields each form shows, in order. */
export const CREATE_FIELDS: readonly FieldName[] = ['first_name', 'last_name', 'user_name', 'email', 'password'];
export const EDIT_FIELDS: readonly FieldName[] = ['first_name', 'last_name', 'email', 'password'];

const HINTS: Partial<Record<FieldName, string>> = {
  user_name: 'One word: letters, digits and . _ - @ +. It cannot be changed later.',
};
const PASSWORD_HINT = {
  create: `Leave empty to have a strong one generated and shown to you once. If you type one: at least ${PASSWORD_MIN} characters.`,
  edit: `Leave empty to keep the current password. A new one: at least ${PASSWORD_MIN} characters.`,
};

export interface FormOptions {
  metadata: unknown;
  /** Prefilled values (edit; or a form shown again). Never a password. */
  initial?: Partial<Record<Exclude<FieldName, 'password'>, string>>;
  /** A warning shown above the fields, e.g. DART's refusal that arrived after the form was replaced. */
  notice?: string;
}

/** The create form (from `/dart create` or the global shortcut). */
export function createForm(options: FormOptions): ModalView {
  return form('create', 'New DART customer', 'Create', [], options);
}

/** The edit form for one customer, prefilled from DART. */
export function editForm(userName: string, options: FormOptions): ModalView {
  return form('edit', 'Edit DART customer', 'Save', [context(`User name ${code(userName)} (cannot be changed)`)], options);
}

function form(mode: 'create' | 'edit', title: string, submit: string, intro: Block[], options: FormOptions): ModalView {
  const fields = mode === 'create' ? CREATE_FIELDS : EDIT_FIELDS;
  const blocks: Block[] = [
    ...(options.notice ? [section(`:warning: ${options.notice}`)] : []),
    ...intro,
    ...fields.map((field) =>
      field === 'password'
        ? textInput({ blockId: field, label: FIELD_LABELS[field], optional: true, hint: PASSWORD_HINT[mode] })
        : textInput({ blockId: field, label: FIELD_LABELS[field], initial: options.initial?.[field], hint: HINTS[field] }),
    ),
  ];
  return modal({
    callbackId: mode === 'create' ? VIEWS.customerCreate : VIEWS.customerEdit,
    title,
    submit,
    blocks,
    metadata: options.metadata,
  });
}

/** Field errors as one line each, for a view that can no longer show them inline. */
export function errorsNotice(errors: FieldErrors): string {
  const label = (field: string) => (field in FIELD_LABELS ? FIELD_LABELS[field as FieldName] : field);
  const lines = Object.entries(errors).map(([field, message]) => `*${escapeMrkdwn(label(field))}*: ${escapeMrkdwn(message)}`);
  return `DART refused the form; nothing was changed. Fix and submit again:\n${lines.join('\n')}`;
}

/** The customer's editable fields as DART has them, for prefilling and for showing changes. */
export function editableOf(customer: Customer): { first_name: string; last_name: string; email: string } {
  return { first_name: customer.first_name, last_name: customer.last_name, email: customer.email };
}
