import { connect, type Socket } from 'node:net';

/** A connection to the app written byte by byte, for requests `fetch` cannot send (a head with no body, nothing at all). */
export interface RawConnection {
  socket: Socket;
  /** Everything the app has sent so far. */
  received(): string;
  /** Resolves once the app has closed the connection (fails after `timeoutMs`). */
  closed(timeoutMs: number): Promise<void>;
  /** The status of the app's answer, as soon as its status line has arrived (fails after `timeoutMs`). */
  status(timeoutMs: number): Promise<number>;
}

export async function rawConnection(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', () => {}); // a reset after the answer is expected when the app closes early
  let isClosed = false;
  socket.once('close', () => (isClosed = true));
  const waitFor = async <T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; received: ${JSON.stringify(text.slice(0, 200))}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  return {
    socket,
    received: () => text,
    closed: (timeoutMs) => waitFor('close', () => (isClosed ? true : undefined), timeoutMs).then(() => {}),
    status: (timeoutMs) =>
      waitFor(
        'answer',
        () => {
          const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
          return match ? Number(match[1]) : undefined;
        },
        timeoutMs,
      ),
  };
}
