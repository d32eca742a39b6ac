/**
 * A modal as console prompts: the view is shown, each input is asked in turn (label,
 * hint, value in brackets that Enter keeps, numbered choices), then a real, signed
 * `view_submission` is sent. The app's answer is followed as Slack follows it: inline
 * errors are shown and those fields asked again, `update` and `push` show the new view,
 * `clear` and an empty answer close it.
 */
import type { SlackRequests, SlackUser } from '../sandbox/slack/requests.ts';
import { list, record, str } from './render-blocks.ts';
import { paint, type RenderOptions } from './render-mrkdwn.ts';
import { renderModal, type ModalField } from './render.ts';
import { describeValues, initialValues, isSecretField, parseAnswer, stateValue, type PickerNames } from './modal-fields.ts';
import type { Terminal } from './terminal.ts';
import { hasInputs, type ViewTracker } from './views.ts';

/** What a modal needs from the console. */
export interface ModalContext {
  terminal: Terminal;
  views: ViewTracker;
  requests: SlackRequests;
  names: PickerNames;
  /** The Slack user at the console. */
  user(): SlackUser;
  render(): RenderOptions;
  /** True once the app has been quiet long enough that a loading view will not be updated any more. */
  appIdle(): boolean;
}

/**
 * How a modal ended: submitted (and closed), closed by the person, left on screen (nothing
 * to fill), input ended, or a script went wrong in it (said on screen; the run must fail).
 */
export type ModalOutcome = 'submitted' | 'closed' | 'shown' | 'ended' | 'script-error';

/** What closes a modal instead of answering a field (`/cancel` too). */
const CLOSE_COMMAND = '/close';
const CLOSE_COMMANDS = new Set([CLOSE_COMMAND, '/cancel']);
/** Asks every field again, after an error say. */
const ALL_COMMAND = '/all';
/** Clears an optional field. */
const CLEAR = '-';

/** How long a view with nothing to fill may stay in its loading state before it is shown as it is. */
const LOADING_WAIT_MS = 5000;

type Json = Record<string, unknown>;

/** One input block of the view with the element Slack would read the value from. */
interface Input {
  field: ModalField;
  element: Json;
  blockId: string;
  actionId: string;
}

/** Runs the open view `viewId` until it is submitted, closed or left on screen. */
export async function runModal(context: ModalContext, viewId: string): Promise<ModalOutcome> {
  const { views, terminal } = context;
  let id = viewId;
  // A view with nothing to fill is usually a loading state (edit opens one at once, then
  // fills it from DART with views.update): give the update a moment to arrive.
  if (!hasInputs(views.latest(id) ?? {}) && views.updateCount(id) === 0) {
    await views.waitForUpdate(id, 0, LOADING_WAIT_MS, () => context.appIdle());
  }
  let view = views.latest(id) ?? {};
  let values = new Map<string, string[]>();
  let errors: Record<string, string> = {};
  let show = true;
  for (;;) {
    const rendered = renderModal(view, context.render());
    const inputs = inputsOf(view, rendered.fields);
    if (show) printView(context, view, '');
    show = false;
    if (inputs.length === 0 && rendered.submit === undefined) {
      terminal.print(`  [${rendered.close ?? 'Close'}]`);
      return 'shown';
    }
    const asked = await askInputs(context, rendered.title, inputs, values, errors);
    if (asked === 'ended' || asked === 'script-error') return asked;
    if (asked === 'all') {
      errors = {};
      continue;
    }
    if (asked === 'closed') {
      await close(context, id, view);
      return 'closed';
    }
    if (inputs.length === 0) {
      const line = await terminal.read(`  Enter submits “${rendered.submit}”, ${CLOSE_COMMAND} closes: `);
      if (line === undefined) return 'ended';
      if (CLOSE_COMMANDS.has(line.trim())) {
        await close(context, id, view);
        return 'closed';
      }
    }
    terminal.print(`  → ${rendered.submit ?? 'Submit'}`);
    const state = { values: stateValues(inputs, values) };
    let answer: Json;
    try {
      const sent = await context.requests.viewSubmission(context.user(), { ...view, id, callback_id: str(view.callback_id) ?? '', state });
      if (sent.status !== 200) {
        const problem = `  ! The app answered HTTP ${sent.status}; Slack would say “We had some trouble connecting”.`;
        terminal.print(paint(problem, 'red', context.render()));
        return 'ended';
      }
      answer = record(sent.json);
    } catch (error) {
      terminal.print(`  ! The app could not be reached: ${error instanceof Error ? error.message : String(error)}`);
      return 'ended';
    }
    switch (answer.response_action) {
      case 'errors': {
        errors = Object.fromEntries(Object.entries(record(answer.errors)).map(([block, message]) => [block, String(message)]));
        if (!inputs.some((input) => errors[input.blockId] !== undefined)) {
          terminal.print(`  ! The app refused the form: ${Object.values(errors).join('; ') || 'no reason given'}`);
          errors = Object.fromEntries(inputs.map((input) => [input.blockId, 'Please check this field.']));
        }
        terminal.print(
          paint(
            `  (Answer the fields in error again: ${CLEAR} clears a field, ${ALL_COMMAND} asks every field, ${CLOSE_COMMAND} or /cancel closes the form.)`,
            'dim',
            context.render(),
          ),
        );
        continue;
      }
      case 'update':
      case 'push': {
        // A pushed view gets its own id in Slack; the console shows it in place of this one.
        if (answer.response_action === 'push') {
          views.close(id);
          id = `${id}+`;
        }
        views.replaced(id, answer.view);
        view = views.latest(id) ?? {};
        values = new Map();
        errors = {};
        show = true;
        continue;
      }
      case 'clear':
        views.closeAll();
        return 'submitted';
      default:
        views.close(id);
        return 'submitted';
    }
  }
}

/** Prints a view: its title, then its non-input blocks. */
export function printView(context: Pick<ModalContext, 'terminal' | 'render'>, view: Json, note: '' | 'updated'): void {
  const options = context.render();
  const rendered = renderModal(view, { ...options, width: (options.width ?? 80) - 2 });
  const title = paint(`[modal] ${rendered.title}`, 'bold', options) + (note === '' ? '' : ` (${note})`);
  context.terminal.print(['', title, ...rendered.lines.map((line) => `  ${line}`)]);
}

function inputsOf(view: Json, fields: ModalField[]): Input[] {
  const blocks = list(view.blocks)
    .map(record)
    .filter((block) => block.type === 'input');
  return blocks.map((block, index) => {
    const element = record(block.element);
    // Slack gives an input without a block_id a generated one; the app cannot have relied on it.
    const blockId = str(block.block_id) ?? `input-${index}`;
    return { field: fields[index]!, element, blockId, actionId: str(element.action_id) ?? `action-${index}` };
  });
}

/**
 * Asks each field (only those with errors, once errors are known), keeping what was
 * typed before as the value in brackets. In a script, a slash command where an answer
 * was expected, or the end of input mid-form, is a script gone wrong: said with the line.
 */
async function askInputs(
  context: ModalContext,
  title: string,
  inputs: Input[],
  values: Map<string, string[]>,
  errors: Record<string, string>,
): Promise<'done' | 'closed' | 'ended' | 'all' | 'script-error'> {
  const { terminal } = context;
  const scriptError = (problem: string): 'script-error' => {
    terminal.print(paint(`  ! Script error: ${problem}`, 'red', context.render()));
    return 'script-error';
  };
  const options = context.render();
  const retrying = Object.keys(errors).length > 0;
  for (const input of inputs) {
    const { field } = input;
    if (!values.has(input.blockId)) values.set(input.blockId, initialValues(field));
    if (retrying && errors[input.blockId] === undefined) continue;
    if (errors[input.blockId] !== undefined) context.terminal.print(paint(`  ! ${field.label}: ${errors[input.blockId]}`, 'red', options));
    if (field.hint) context.terminal.print(paint(`  (${field.hint})`, 'dim', options));
    for (const [index, option] of (field.options ?? []).entries()) context.terminal.print(`    ${index + 1}) ${option.text}`);
    for (;;) {
      const current = values.get(input.blockId) ?? [];
      const shown = current.length > 0 ? ` [${isSecretField(field) ? '********' : describeValues(field, current, context.names)}]` : '';
      const placeholder = current.length === 0 && field.placeholder ? ` (${field.placeholder})` : '';
      const prompt = `  ${field.label}${field.optional ? ' (optional)' : ''}${shown}${placeholder}: `;
      const line = await terminal.read(prompt, { mask: isSecretField(field) });
      if (line === undefined) {
        return terminal.scripted && terminal.inputEnded
          ? scriptError(
              `the script ended after line ${terminal.linesRead}, in the form “${title}” at “${field.label}”: an answer line is missing.`,
            )
          : 'ended';
      }
      const typed = line.trim();
      if (CLOSE_COMMANDS.has(typed)) return 'closed';
      if (typed === ALL_COMMAND) return 'all';
      if (terminal.scripted && /^\/\S/.test(typed)) {
        return scriptError(
          `line ${terminal.linesRead} (“${typed}”) came where the form “${title}” expected “${field.label}”: an answer line is missing before it.`,
        );
      }
      if (typed === CLEAR) {
        if (field.optional) {
          values.set(input.blockId, []);
          break;
        }
        terminal.print(paint(`  ! ${field.label} is required; it cannot be cleared.`, 'red', options));
        continue;
      }
      const answer = parseAnswer(field, input.element, line, current, context.names);
      if (answer.ok) {
        values.set(input.blockId, answer.values);
        break;
      }
      context.terminal.print(paint(`  ! ${answer.problem}`, 'red', options));
    }
  }
  return 'done';
}

function stateValues(inputs: Input[], values: Map<string, string[]>): Record<string, Record<string, unknown>> {
  const state: Record<string, Record<string, unknown>> = {};
  for (const input of inputs) {
    state[input.blockId] = { [input.actionId]: stateValue(input.element, values.get(input.blockId) ?? []) };
  }
  return state;
}

/** The person closed the modal; Slack tells the app only when the view asked for it. */
async function close(context: ModalContext, id: string, view: Json): Promise<void> {
  context.views.close(id);
  context.terminal.print('  (closed)');
  if (view.notify_on_close === true) {
    await context.requests.viewClosed(context.user(), { ...view, id, callback_id: str(view.callback_id) ?? '' }).catch(() => undefined);
  }
}
