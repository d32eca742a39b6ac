/**
 * The demo console: a terminal that behaves like Slack for the app. Slash commands and
 * button presses become real signed requests from the current demo user; what the app
 * sends to Slack is shown as Slack would show it (see SlackFeed); modals become prompts
 * (see runModal); DART's side is driven by `fire …` and `dart …`. Scripted sessions
 * (input not a terminal) wait after every command until the app has gone quiet.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SLASH_COMMAND } from '../slack/routes.ts';
import type { SentRequest, SlackUser } from '../sandbox/slack/requests.ts';
import type { RecordedDartCall } from '../sandbox/dart/server.ts';
import { applyDartEvent, fireWebhook, webhookFor, type DartEvent } from '../sandbox/dart/webhooks.ts';
import { formatMoney } from '../util/money.ts';
import { SlackFeed, type PressableButton } from './feed.ts';
import { runModal, printView, type ModalContext, type ModalOutcome } from './modal.ts';
import type { PickerNames } from './modal-fields.ts';
import { QuietWatch, type QuietOptions } from './quiet.ts';
import { paint, type RenderOptions } from './render-mrkdwn.ts';
import { Terminal, type TerminalStreams } from './terminal.ts';
import { hasInputs, ViewTracker } from './views.ts';
import type { DemoUser, DemoWorld } from './world.ts';

/** Where the console runs and what it drives. */
export interface ConsoleOptions extends TerminalStreams {
  world: DemoWorld;
  /** Force scripted (plain, line-by-line) or interactive mode; default: scripted unless input is a terminal. */
  scripted?: boolean;
  /** The demo user the session starts as; default the first of world.users. */
  startAs?: string;
}

/** Slack drops a slash command whose ack takes longer than this. */
const ACK_WINDOW_MS = 3000;

/**
 * Runs one console session until `exit`, Ctrl-C or the end of input, and returns the exit
 * status: 1 when a script went wrong (said on screen with its line), else 0. It does not
 * stop the world: the caller does (main.ts stops the app and the stand-ins).
 */
export async function runConsole(options: ConsoleOptions): Promise<number> {
  const session = new ConsoleSession(options);
  try {
    return await session.run();
  } finally {
    session.close();
  }
}

/** The most webhooks one `fire … x<n>` sends at once. */
const MAX_BURST = 100;

type Outcome = 'continue' | 'exit';

class ConsoleSession {
  readonly #world: DemoWorld;
  readonly #terminal: Terminal;
  readonly #views = new ViewTracker();
  readonly #feed: SlackFeed;
  readonly #quiet: QuietWatch;
  readonly #closing = new AbortController();
  readonly #unsubscribeViews: () => void;
  #user: DemoUser;
  #promptingView: string | undefined;
  #atCommandPrompt = false;

  constructor(options: ConsoleOptions) {
    this.#world = options.world;
    this.#terminal = new Terminal(options, options.scripted === undefined ? {} : { scripted: options.scripted });
    const first = options.world.users.find((user) => user.name === options.startAs) ?? options.world.users[0];
    if (first === undefined) throw new Error('the demo world has no users');
    this.#user = first;
    this.#quiet = new QuietWatch(options.world.slack, options.world.dart);
    this.#feed = new SlackFeed({
      slack: options.world.slack,
      views: this.#views,
      print: (lines) => this.#terminal.print(lines),
      render: () => this.#render(),
      channelLabel: (id) => this.#channelLabel(id),
      userName: (id) => this.#world.users.find((user) => user.id === id)?.name,
      currentUserId: () => this.#user.id,
      defaultChannel: options.world.commandChannel,
    });
    this.#unsubscribeViews = this.#views.onChange((change) => {
      if (change.id === this.#promptingView) return; // runModal reads the latest view itself
      if (change.kind === 'updated' && !this.#views.isWaiting(change.id)) {
        // A notice left on screen is shown again; a view that now has inputs is asked again.
        if (!hasInputs(change.view)) return printView(this.#modalContext(), change.view, 'updated');
        this.#views.requeue(change.id);
      }
      if (this.#atCommandPrompt && !this.#terminal.scripted) this.#terminal.print('(A modal is open: press Enter to fill it in.)');
    });
    void this.#terminal.interrupted.then(() => this.#closing.abort());
  }

  async run(): Promise<number> {
    this.#banner();
    for (;;) {
      if ((await this.#runWaitingModals()) === 'script-error') return 1;
      if (this.#terminal.isInterrupted) return 0;
      this.#atCommandPrompt = true;
      const line = await this.#terminal.read(this.#prompt());
      this.#atCommandPrompt = false;
      if (line === undefined) return 0;
      const command = line.trim();
      if (command === '' || command.startsWith('#')) continue; // blank lines and script comments
      if ((await this.#execute(command)) === 'exit') return 0;
    }
  }

  close(): void {
    this.#closing.abort();
    this.#unsubscribeViews();
    this.#feed.close();
    this.#quiet.close();
    this.#terminal.close();
  }

  // --- Commands -------------------------------------------------------------------------

  async #execute(command: string): Promise<Outcome> {
    const [word = '', ...args] = command.split(/\s+/);
    if (/^\d+$/.test(word) && args.length === 0) return this.#press(word);
    if (word.startsWith('/')) return this.#slashCommand(word, command.slice(word.length).trim());
    switch (word.toLowerCase()) {
      case 'press':
        return this.#press(args.join(' '));
      case 'as':
        return this.#switchUser(args[0] ?? '');
      case 'whoami':
        return this.#whoami();
      case 'users':
        return this.#listUsers();
      case 'fire':
        return this.#fire(args);
      case 'dart':
        return this.#dart(args);
      case 'channel':
        return this.#showChannel(args[0] ?? '');
      case 'wait':
        return this.#wait(args[0] ?? '');
      case 'help':
        this.#terminal.print(helpText(this.#world));
        return 'continue';
      case 'exit':
      case 'quit':
        return 'exit';
      default:
        this.#say(`Unknown command ${JSON.stringify(word)}. Type help for what the console accepts.`);
        return 'continue';
    }
  }

  async #slashCommand(command: string, text: string): Promise<Outcome> {
    if (command !== SLASH_COMMAND) {
      this.#say(`${command} is not a valid command. In the demo the app answers ${SLASH_COMMAND}.`);
      return 'continue';
    }
    const user = this.#user;
    const channel = this.#world.commandChannel;
    const started = Date.now();
    let late = false;
    const window = setTimeout(() => {
      late = true;
      this.#fail(`${SLASH_COMMAND} failed with the error "operation_timeout" (the app did not ack within 3 seconds)`);
    }, ACK_WINDOW_MS);
    const answered = this.#world.requests.slashCommand(this.#slackUser(), text, { channelId: channel }).then(
      (sent) => {
        clearTimeout(window);
        if (sent.status !== 200) {
          this.#fail(`${SLASH_COMMAND} failed with the error "dispatch_failed" (the app answered HTTP ${sent.status})`);
        }
        // Slack ignores a late ack's body; the response_url stays usable for 30 minutes.
        const dropped = late || Date.now() - started > ACK_WINDOW_MS || sent.status !== 200;
        const shown: SentRequest = dropped ? { ...sent, json: undefined, body: '' } : sent;
        this.#feed.commandAnswered(shown, channel, user.id);
      },
      (error: unknown) => {
        clearTimeout(window);
        this.#fail(`${SLASH_COMMAND} failed: the app could not be reached (${describe(error)})`);
      },
    );
    await this.#settle(answered);
    return 'continue';
  }

  async #press(numberText: string): Promise<Outcome> {
    const number = Number(numberText);
    const pressable = /^\d+$/.test(numberText) ? this.#feed.button(number) : this.#feed.buttonLabelled(numberText);
    if (pressable === undefined) {
      this.#say(
        numberText === ''
          ? 'Usage: press <n> or press <label>, or just type the number of a button shown as [n].'
          : `No button [${numberText}] is on screen (a message that was replaced shows its buttons with new numbers).`,
      );
      return 'continue';
    }
    const { button, message } = pressable;
    this.#say(`${this.#user.name} pressed [${button.number}] ${button.text}${button.url ? ` (opens ${button.url})` : ''}`);
    const action = {
      action_id: button.action_id,
      type: 'button',
      ...(button.block_id !== undefined ? { block_id: button.block_id } : {}),
      ...(button.value !== undefined ? { value: button.value } : {}),
    };
    const { place } = message;
    // A channel message comes with the message as Slack sends it; an ephemeral one only with its container.
    const where =
      place.kind === 'channel'
        ? { channelId: place.channel, message: { ts: place.ts, blocks: message.blocks ?? [], text: message.text ?? '' } }
        : { channelId: place.channel, container: { type: 'message', message_ts: place.ts, channel_id: place.channel, is_ephemeral: true } };
    const answered = this.#world.requests.blockAction(this.#slackUser(), action, where).then(
      (sent) => this.#actionAnswered(sent, pressable),
      (error: unknown) => this.#fail(`The button did nothing: the app could not be reached (${describe(error)})`),
    );
    await this.#settle(answered);
    return 'continue';
  }

  #actionAnswered(sent: SentRequest, pressed: PressableButton): void {
    if (sent.status !== 200) this.#fail(`The app answered the button with HTTP ${sent.status}; Slack would show a warning sign.`);
    this.#feed.actionAnswered(sent, pressed, this.#user.id);
  }

  async #switchUser(name: string): Promise<Outcome> {
    const user = this.#findUser(name);
    if (user === undefined) {
      this.#say(`Usage: as <name>, one of ${this.#world.users.map((candidate) => candidate.name).join(', ')}.`);
      return 'continue';
    }
    this.#user = user;
    return this.#whoami();
  }

  async #whoami(): Promise<Outcome> {
    this.#say(await this.#describeUser(this.#user, 'You are '));
    return 'continue';
  }

  async #listUsers(): Promise<Outcome> {
    const lines = await Promise.all(this.#world.users.map((user) => this.#describeUser(user, '  ')));
    this.#terminal.print(['Demo users (as <name> to switch):', ...lines]);
    return 'continue';
  }

  async #describeUser(user: DemoUser, prefix: string): Promise<string> {
    const roles = [...(await this.#world.rolesOf(user.id))].sort();
    return `${prefix}${user.name} (${user.id}), roles: ${roles.length > 0 ? roles.join(', ') : 'none'}`;
  }

  async #fire(words: string[]): Promise<Outcome> {
    // `x<n>` at the end fires n copies at once, as a burst, so the digest can be seen.
    const burst = /^x(\d+)$/i.exec(words.at(-1) ?? '');
    const times = burst ? Number(burst[1]) : 1;
    const args = burst ? words.slice(0, -1) : words;
    if (times < 1 || times > MAX_BURST) return this.#usage(`fire … x<n>, n from 1 to ${MAX_BURST}`);
    const event = parseDartEvent(args);
    if (typeof event === 'string') {
      this.#say(event);
      return 'continue';
    }
    let webhook: ReturnType<typeof webhookFor>;
    try {
      webhook = webhookFor(event, this.#world.dart.state);
    } catch (error) {
      this.#say(`Bad amount: ${describe(error)}. Usage: ${FIRE_USAGE[event.kind]}`);
      return 'continue';
    }
    applyDartEvent(this.#world.dart.state, event);
    const path = `${new URL(this.#world.webhookBaseUrl).pathname.replace(/\/$/, '')}/webhook/${webhook.kind}`;
    this.#say(`DART → POST ${path} ${JSON.stringify(webhook.payload)}${times > 1 ? ` ×${times}, all at once` : ''}`);
    let delivered = false;
    const one = () => fireWebhook(this.#world.webhookBaseUrl, this.#world.webhookSecret, webhook.kind, webhook.payload);
    const answered = Promise.all(Array.from({ length: times }, one)).then(
      (deliveries) => {
        delivered = deliveries.some((delivery) => delivery.status >= 200 && delivery.status < 300);
        const statuses = [...new Set(deliveries.map((delivery) => delivery.status))].join(', ');
        const body = deliveries[0]?.body.trim() ?? '';
        this.#say(times > 1 ? `DART ← ${statuses} (${times} answers)` : `DART ← ${statuses}${body === '' ? '' : ` ${abbreviate(body)}`}`);
      },
      (error: unknown) => this.#fail(`DART could not reach the app: ${describe(error)}`),
    );
    // An accepted webhook should become a Slack message: wait for it (up to the usual limit).
    await this.#settle(answered, { expectActivity: () => delivered });
    return 'continue';
  }

  async #dart(args: string[]): Promise<Outcome> {
    const { dart } = this.#world;
    const [what = '', first, second] = args;
    const count = (text: string | undefined): number | undefined =>
      text === undefined ? 1 : /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : undefined;
    switch (what.toLowerCase()) {
      case 'slow': {
        const seconds = Number(first);
        if (first === undefined || !/^\d+(\.\d+)?$/.test(first) || seconds > 120) return this.#usage('dart slow <seconds>, from 0 to 120');
        dart.setLatency(Math.round(seconds * 1000));
        const timeout = this.#world.dartTimeoutMs / 1000;
        this.#say(
          `DART now takes ${first} s to answer every call (dart ok to undo).` +
            (seconds >= timeout ? ` The demo's app gives up after ${timeout} s (DART_TIMEOUT_MS), so every call will time out.` : ''),
        );
        return 'continue';
      }
      case 'fail': {
        const times = count(second);
        if (first === undefined || !/^[1-5]\d\d$/.test(first) || times === undefined) {
          return this.#usage('dart fail <status> [times], e.g. dart fail 503 3');
        }
        dart.injectFault({ kind: 'status', status: Number(first) }, { times });
        this.#say(`The next ${plural(times, 'DART call')} will fail with HTTP ${first}.`);
        return 'continue';
      }
      case 'hang': {
        const times = count(first);
        if (times === undefined) return this.#usage('dart hang [times]');
        dart.injectFault({ kind: 'hang' }, { times });
        this.#say(`The next ${plural(times, 'DART call')} will get no answer at all (the app gives up after its timeout).`);
        return 'continue';
      }
      case 'ok':
        dart.clearFaults();
        dart.setLatency(0);
        this.#say('DART answers normally again.');
        return 'continue';
      case 'customers':
        this.#terminal.print(customerTable(this.#world));
        return 'continue';
      case 'calls': {
        const last = first === undefined ? 5 : count(first);
        if (last === undefined) return this.#usage('dart calls [n]');
        const calls = dart.calls.slice(-last);
        this.#terminal.print(calls.length === 0 ? ['DART has had no calls yet.'] : calls.map(describeDartCall));
        return 'continue';
      }
      default:
        return this.#usage(
          'dart slow <seconds> | dart fail <status> [times] | dart hang [times] | dart ok | dart customers | dart calls [n]',
        );
    }
  }

  #showChannel(name: string): Outcome {
    const id = this.#channelId(name.replace(/^#/, ''));
    if (id === undefined) return this.#usage(`channel <name>, one of ${Object.values(this.#world.channels).join(', ')}`);
    if (!this.#feed.showChannel(id)) this.#say(`Nothing has been posted in #${this.#world.channels[id]} yet.`);
    return 'continue';
  }

  async #wait(text: string): Promise<Outcome> {
    if (!/^\d+$/.test(text)) return this.#usage('wait <milliseconds>');
    await sleep(Math.min(Number(text), 600_000), undefined, { signal: this.#closing.signal }).catch(() => undefined);
    return 'continue';
  }

  // --- Modals ----------------------------------------------------------------------------

  async #runWaitingModals(): Promise<'done' | 'script-error'> {
    for (let id = this.#views.takeWaiting(); id !== undefined && !this.#terminal.isInterrupted; id = this.#views.takeWaiting()) {
      this.#promptingView = id;
      let outcome: ModalOutcome;
      try {
        outcome = await runModal(this.#modalContext(), id);
      } finally {
        this.#promptingView = undefined;
      }
      if (outcome === 'script-error') return outcome;
      // The app may still be answering: a post after the submission, a views.update of a notice.
      if (outcome !== 'ended') await this.#settle(Promise.resolve());
    }
    return 'done';
  }

  #modalContext(): ModalContext {
    const names: PickerNames = {
      userId: (name) => this.#findUser(name)?.id,
      userName: (id) => this.#world.users.find((user) => user.id === id)?.name,
      channelId: (name) => this.#channelId(name),
      channelLabel: (id) => this.#channelLabel(id),
    };
    return {
      terminal: this.#terminal,
      views: this.#views,
      requests: this.#world.requests,
      names,
      user: () => this.#slackUser(),
      render: () => this.#render(),
      appIdle: () => this.#quiet.idleFor(1000),
    };
  }

  // --- Helpers ----------------------------------------------------------------------------

  #settle(answered: Promise<unknown>, options: Pick<QuietOptions, 'expectActivity'> = {}): Promise<void> {
    return this.#quiet.settle(answered, { ...options, signal: this.#closing.signal });
  }

  #render(): RenderOptions {
    return {
      color: this.#terminal.color,
      width: this.#terminal.width,
      userName: (id) => this.#world.users.find((user) => user.id === id)?.name,
    };
  }

  #prompt(): string {
    return `${paint(this.#user.name, 'bold', this.#render())}> `;
  }

  #slackUser(): SlackUser {
    return { id: this.#user.id, name: this.#user.name };
  }

  #findUser(name: string): DemoUser | undefined {
    const wanted = name.replace(/^@/, '').toLowerCase();
    return this.#world.users.find((user) => user.name.toLowerCase() === wanted || user.id.toLowerCase() === wanted);
  }

  #channelId(name: string): string | undefined {
    return Object.entries(this.#world.channels).find(([id, channelName]) => channelName === name.toLowerCase() || id === name)?.[0];
  }

  #channelLabel(id: string): string {
    const name = this.#world.channels[id];
    if (name !== undefined) return `#${name}`;
    const user = this.#world.users.find((candidate) => candidate.id === id);
    return user !== undefined ? `@${user.name} (direct message)` : `#${id}`;
  }

  #say(text: string): void {
    this.#terminal.print(paint(text, 'dim', this.#render()));
  }

  #fail(text: string): void {
    this.#terminal.print(paint(`! ${text}`, 'red', this.#render()));
  }

  #usage(usage: string): Outcome {
    this.#say(`Usage: ${usage}`);
    return 'continue';
  }

  #banner(): void {
    const others = this.#world.users
      .filter((user) => user !== this.#user)
      .map((user) => `${user.name} (${user.description})`)
      .join(', ');
    this.#terminal.print([
      paint('dart-slack demo: the real app, a DART sandbox and a Slack stand-in, all on this machine', 'bold', this.#render()),
      ...this.#world.about.map((line) => `  ${line}`),
      `You are ${this.#user.name} (${this.#user.description}), typing in #${this.#world.channels[this.#world.commandChannel] ?? 'ops'}.`,
      `Others: ${others}; switch with: as <name>.`,
      'Type help for everything the console accepts, exit (or Ctrl-C) to stop. Try: /dart balance billyjoel',
    ]);
  }
}

const FIRE_USAGE: Record<DartEvent['kind'], string> = {
  activate: 'fire activate <user>',
  update: 'fire update <old user> <new user>',
  deactivate: 'fire deactivate <user>',
  withdrawal: 'fire withdrawal <user> <amount> [trade script]',
  exit: 'fire exit <user> <amount> [trade script]',
};

/** `fire …` arguments as a DART event, or the usage to show. */
function parseDartEvent(args: string[]): DartEvent | string {
  const [kind = '', user, third, ...rest] = args;
  const usage = `Usage: ${Object.values(FIRE_USAGE).join(' | ')}`;
  switch (kind.toLowerCase()) {
    case 'activate':
    case 'deactivate':
      return user !== undefined && third === undefined ? { kind: kind.toLowerCase() as 'activate' | 'deactivate', user } : usage;
    case 'update':
      return user !== undefined && third !== undefined && rest.length === 0 ? { kind: 'update', user, newUser: third } : usage;
    case 'withdrawal':
    case 'exit': {
      if (user === undefined || third === undefined) return usage;
      const script = rest.join(' ').replace(/^["'](.*)["']$/, '$1');
      return { kind: kind.toLowerCase() as 'withdrawal' | 'exit', user, amount: third, ...(script !== '' ? { script } : {}) };
    }
    default:
      return usage;
  }
}

function customerTable(world: DemoWorld): string[] {
  const rows = [...world.dart.state.customers.values()].map((customer) => [
    customer.dart_user_name,
    `${customer.first_name} ${customer.last_name}`,
    customer.email,
    formatMoney(customer.usdc_balance),
    customer.active ? 'active' : 'inactive',
    tradeScriptAccess(customer.tsp),
    `${customer.trade_scripts.length} trade script${customer.trade_scripts.length === 1 ? '' : 's'}`,
  ]);
  if (rows.length === 0) return ['The DART sandbox has no customers.'];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]): string =>
    `  ${row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd()}`;
  return ['DART sandbox customers:', ...rows.map(line)];
}

function tradeScriptAccess(tsp: { enabled: boolean; disabledUntil?: Date }): string {
  if (tsp.enabled) return 'scripts allowed';
  return tsp.disabledUntil ? `scripts restricted until ${tsp.disabledUntil.toISOString().slice(0, 16)}Z` : 'scripts restricted';
}

function describeDartCall(call: RecordedDartCall): string {
  const json = typeof call.json === 'object' && call.json !== null ? (call.json as Record<string, unknown>) : {};
  const fields = { ...call.query, ...call.form, ...json };
  const shown = Object.entries(fields)
    .map(([key, value]) => `${key}=${/password/i.test(key) ? '********' : String(value)}`)
    .join(' ');
  return `  ${call.at.toISOString().slice(11, 23)}  ${call.method} ${call.endpoint}${shown ? `  ${shown}` : ''}`;
}

/** The console's `help`. */
function helpText(world: DemoWorld): string[] {
  const users = world.users.map((user) => `${user.name} (${user.description})`).join(', ');
  const channels = Object.values(world.channels).join(', ');
  return [
    'Slack, as the current user, in #ops:',
    `  ${SLASH_COMMAND} <words>               a real signed slash command, e.g. ${SLASH_COMMAND} balance billyjoel`,
    `                             (${SLASH_COMMAND} help lists what the app lets you run)`,
    '  <n>  or  press <n>         press button [n] of a message on screen',
    '  press <label>              press the newest button with that label, e.g. press Confirm',
    `  channel <name>             show a channel's messages again (${channels})`,
    '  In a modal: one answer per field; Enter keeps the value in [brackets], - clears it; for',
    '  choices type the number; /all asks every field again; /close (or /cancel) closes the',
    '  modal. A form with nothing to fill: Enter submits. Passwords are shown as stars.',
    'People:',
    '  as <name>                  act as another Slack user',
    '  whoami                     who you are, with the roles the app gives you',
    `  users                      everyone: ${users}`,
    'DART (the sandbox):',
    "  fire activate <user>       DART calls the app's webhook with the secret, body as DART sends it",
    '  fire update <old> <new>    (the sandbox renames the customer first)',
    '  fire deactivate <user>',
    '  fire withdrawal <user> <amount> [trade script]',
    '  fire exit <user> <amount> [trade script]',
    '  fire … x<n>                the same webhook n times at once (a burst: see the digest), e.g. fire withdrawal billyjoel 50 x10',
    '  dart slow <seconds>        every DART answer takes this long, until dart ok',
    '  dart fail <status> [n]     the next n DART calls (default 1) fail with this HTTP status',
    '  dart hang [n]              the next n DART calls get no answer at all',
    '  dart ok                    DART behaves again',
    "  dart customers             the sandbox's customers",
    '  dart calls [n]             the last n calls the app made to DART (default 5)',
    'Console:',
    '  wait <ms>                  pause (for scripts)',
    '  help                       this list',
    '  exit  (or Ctrl-C)          stop the app and the stand-ins',
  ];
}

function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${count} ${noun}s`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function abbreviate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
