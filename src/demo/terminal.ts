/**
 * The console's line input and output. Interactive (a terminal): readline with a prompt,
 * history and colour, and anything printed while the person types appears above the
 * prompt, which is then redrawn with what they had typed. Scripted (input not a
 * terminal): lines are read one by one and echoed after their prompt, so the output is
 * a plain transcript a test can read.
 */
import { createInterface, type Interface } from 'node:readline';

/** Line ends and cursor moves pass through; every other typed character (the group) becomes a star. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the terminal's escape character is the point
const TYPED_CHARACTER = /\x1b\[[0-9;]*[A-Za-z]|[\r\n]|([^\r\n\x1b])/g;

/** Where the console reads and writes. */
export interface TerminalStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

/** One console's input and output; see the module comment. */
export class Terminal {
  /** True when input is not a terminal: plain text, lines echoed. */
  readonly scripted: boolean;
  /** ANSI styles on: only for a person at a terminal, and never with NO_COLOR set. */
  readonly color: boolean;
  readonly #output: TerminalStreams['output'];
  readonly #readline: Interface;
  readonly #queue: string[] = [];
  readonly #markInterrupted: () => void;
  #waiting: ((line: string | undefined) => void) | undefined;
  #closed = false;
  #linesRead = 0;
  /** Settles on Ctrl-C or close(): the session must end now, whatever input is left. */
  readonly interrupted: Promise<void>;
  #interrupted = false;

  constructor(streams: TerminalStreams, options: { scripted?: boolean } = {}) {
    this.scripted = options.scripted ?? streams.input.isTTY !== true;
    this.color = !this.scripted && streams.output.isTTY === true && process.env.NO_COLOR === undefined;
    this.#output = streams.output;
    this.#readline = createInterface({
      input: streams.input,
      // Scripted input is not echoed by readline: read() writes each line after its prompt.
      ...(this.scripted ? {} : { output: streams.output, terminal: streams.output.isTTY === true }),
      historySize: 200,
      prompt: '',
    });
    let markInterrupted = (): void => {};
    this.interrupted = new Promise((resolve) => (markInterrupted = resolve));
    this.#markInterrupted = () => {
      this.#interrupted = true;
      markInterrupted();
    };
    this.#readline.on('line', (line) => {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (waiting) waiting(line);
      else this.#queue.push(line);
    });
    this.#readline.on('close', () => {
      this.#closed = true;
      this.#waiting?.(undefined);
      this.#waiting = undefined;
    });
    // Ctrl-C at the prompt ends the session (readline in raw mode sees it instead of the process).
    this.#readline.on('SIGINT', () => {
      this.#output.write('^C\n');
      this.close();
    });
  }

  /** Columns to render at (80 when unknown). */
  get width(): number {
    return Math.max(40, Math.min(this.#output.columns ?? 80, 120));
  }

  /** How many input lines have been read: in a script, the number of the line just read. */
  get linesRead(): number {
    return this.#linesRead;
  }

  /** True once input has ended (a script ran out, or the terminal closed). */
  get inputEnded(): boolean {
    return this.#closed && this.#queue.length === 0;
  }

  /** True after Ctrl-C or close(). */
  get isInterrupted(): boolean {
    return this.#interrupted;
  }

  /** The next line, after showing `prompt`; undefined once input has ended. `mask` shows what is typed (or a scripted answer) as stars. */
  async read(prompt: string, options: { mask?: boolean } = {}): Promise<string | undefined> {
    const line = await this.#read(prompt, options);
    if (line !== undefined) this.#linesRead += 1;
    return line;
  }

  async #read(prompt: string, options: { mask?: boolean }): Promise<string | undefined> {
    const queued = this.#queue.shift();
    if (this.scripted) {
      const line = queued ?? (await this.#next());
      if (line !== undefined) this.#output.write(`${prompt}${options.mask && line !== '' ? '********' : line}\n`);
      return line;
    }
    if (queued !== undefined) return queued; // typed ahead while the app was busy; readline echoed it then
    this.#readline.setPrompt(prompt);
    const unmask = options.mask ? this.#mask(prompt) : () => {};
    // Keep what was typed ahead (without Enter) while the app was busy, cursor at its end.
    this.#readline.prompt(true);
    try {
      const line = await this.#next();
      // A password must not come back with the up arrow either.
      if (options.mask && line) {
        const history = (this.#readline as Interface & { history?: string[] }).history;
        if (history?.[0] === line) history.shift();
      }
      return line;
    } finally {
      unmask();
      // Between prompts the prompt is empty: printing still redraws what is being typed.
      this.#readline.setPrompt('');
    }
  }

  /**
   * Echoes what is typed as stars until the returned function is called. readline has no
   * public option for this; its one output hook, `_writeToOutput`, is the usual way.
   */
  #mask(prompt: string): () => void {
    const readline = this.#readline as Interface & { _writeToOutput(text: string): void };
    const original = readline._writeToOutput;
    readline._writeToOutput = (text: string) => {
      const typed = text.startsWith(prompt) ? text.slice(prompt.length) : text;
      const head = text.startsWith(prompt) ? prompt : '';
      original.call(readline, head + typed.replace(TYPED_CHARACTER, (whole, char?: string) => (char === undefined ? whole : '*')));
    };
    return () => {
      readline._writeToOutput = original;
    };
  }

  /**
   * Prints lines. Interactively, what the person is typing is cleared first and redrawn
   * after, with the prompt, so messages arriving meanwhile appear above it.
   */
  print(lines: string | readonly string[]): void {
    const text = `${typeof lines === 'string' ? lines : lines.join('\n')}\n`;
    if (this.scripted || this.#closed) {
      this.#output.write(text);
      return;
    }
    this.#output.write(`\r\x1b[K${text}`);
    this.#readline.prompt(true);
  }

  /** Stops reading; pending and later read() calls give undefined, lines not yet read are dropped. */
  close(): void {
    this.#queue.length = 0;
    this.#markInterrupted();
    if (!this.#closed) this.#readline.close();
  }

  #next(): Promise<string | undefined> {
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve) => (this.#waiting = resolve));
  }
}
