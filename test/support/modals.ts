import type { RecordedSlackCall } from '../../src/sandbox/slack/standin.ts';
import { viewState } from '../../src/sandbox/slack/requests.ts';
import type { SlackUser } from '../../src/sandbox/slack/requests.ts';
import type { Harness } from './harness.ts';

/**
 * The next call to `method` made after this is called (calls already recorded are
 * ignored). Call it before the request that causes the call, then await it.
 */
export function nextCall(
  h: Harness,
  method: string,
  predicate: (call: RecordedSlackCall) => boolean = () => true,
): Promise<RecordedSlackCall> {
  const seen = new Set(h.slack.calls);
  return h.slack.waitForCall(method, (call) => !seen.has(call) && predicate(call), 8000);
}

/** A view as the app sent it in views.open / views.update, with the id Slack gave it. */
export interface OpenedView {
  id: string;
  callback_id: string;
  private_metadata: string;
  blocks: Array<Record<string, unknown>>;
  title: { text: string };
  submit?: { text: string };
}

export function viewOf(call: RecordedSlackCall): OpenedView {
  const sent = call.args.view as Omit<OpenedView, 'id'>;
  const id = String((call.result?.view as { id?: string } | undefined)?.id ?? call.args.view_id);
  return { ...sent, private_metadata: sent.private_metadata ?? '', id };
}

/** The initial value of each input block of a view, by block id. */
export function initialValues(view: OpenedView): Record<string, string | undefined> {
  return Object.fromEntries(
    view.blocks
      .filter((block) => block.type === 'input')
      .map((block) => [String(block.block_id), (block.element as { initial_value?: string }).initial_value]),
  );
}

/** Submits `view` as `user` with text fields (block id → typed text) and any other element states. */
export function submitView(h: Harness, user: SlackUser, view: OpenedView, fields: Record<string, string | Record<string, unknown>>) {
  const values = Object.fromEntries(Object.entries(fields).map(([blockId, value]) => [blockId, { value }]));
  return h.requests.viewSubmission(user, {
    id: view.id,
    callback_id: view.callback_id,
    private_metadata: view.private_metadata,
    blocks: view.blocks,
    state: viewState(values),
  });
}

/** A static_select's state with `value` chosen. */
export function selected(value: string): Record<string, unknown> {
  return { type: 'static_select', selected_option: { value, text: { type: 'plain_text', text: value } } };
}

/** The answer of a view submission (response_action and its view or errors). */
export interface SubmissionAck {
  response_action?: 'errors' | 'update' | 'clear';
  errors?: Record<string, string>;
  view?: { title: { text: string }; blocks: unknown[] };
}
