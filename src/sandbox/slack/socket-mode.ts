/**
 * Slack's Socket Mode side, for the Slack stand-in: the WebSocket that `apps.connections.open`
 * points an app at. It speaks what @slack/socket-mode expects: `hello` once the connection is
 * open, envelopes (`{ envelope_id, type, payload, accepts_response_payload }`) the app acks
 * with `{ envelope_id, payload }`, `disconnect` to ask for a reconnect, pongs to the client's
 * pings (the `ws` library answers them) and pings of its own. It records every ack, and says
 * when none came in time. Served on the stand-in's own port (an HTTP upgrade on `/link/`).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

/** What Slack wraps in an envelope: a slash command, a click/form/shortcut, or an Events API event. */
type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** One ack the app sent over the socket, in arrival order. */
interface SocketAck {
  envelope_id: string;
  /** The ack's response payload (`{}` for a bare ack), absent when the client sent none. */
  payload?: Record<string, unknown>;
  at: Date;
}

/** An envelope sent to the app and what came back. */
interface SocketDelivery {
  envelopeId: string;
  /** The app's ack, or undefined when none came within the timeout. */
  ack: SocketAck | undefined;
}

/** The stand-in's Socket Mode server; see `SlackStandin.socketMode`. */
export interface SocketModeServer {
  /** A URL for `apps.connections.open` (`ws://127.0.0.1:PORT/link/?ticket=…`), its ticket good for one connection. */
  connectionUrl(): string;
  /** Connections open right now (hello sent, not closed). */
  readonly openConnections: number;
  /** Connections accepted since the stand-in started (a reconnect counts again). */
  readonly connectionsAccepted: number;
  readonly acks: readonly SocketAck[];
  /** Resolves once `count` connections are open (default 1); rejects after timeoutMs (default 5000). */
  waitForConnections(count?: number, timeoutMs?: number): Promise<void>;
  /** Resolves once no connection is open; rejects after timeoutMs (default 5000). */
  waitForNoConnection(timeoutMs?: number): Promise<void>;
  /**
   * Sends an envelope on the newest open connection (Slack picks one of the app's connections)
   * and waits up to ackTimeoutMs (default 3000; Slack waits 3 s) for its ack.
   */
  deliver(type: EnvelopeType, payload: Record<string, unknown>, options?: { ackTimeoutMs?: number }): Promise<SocketDelivery>;
  /** Sends `{type:'disconnect'}` on every open connection, as Slack does before recycling a server. */
  requestDisconnect(reason?: string): void;
  /** Takes over an HTTP upgrade request from the stand-in's server. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Drops every connection at once (no close handshake), as when Slack becomes unreachable. */
  dropConnections(): void;
}

const LINK_PATH = '/link/';

export function createSocketModeServer(options: {
  /** The stand-in's `http://127.0.0.1:PORT`, once started. */
  origin: () => string;
  appId: string;
  /** How often the server pings each connection (default 5000). */
  pingIntervalMs?: number;
}): SocketModeServer {
  const wss = new WebSocketServer({ noServer: true, clientTracking: false });
  const tickets = new Set<string>();
  const open: WebSocket[] = [];
  const acks: SocketAck[] = [];
  const changes = new Set<() => void>();
  let accepted = 0;

  const changed = (): void => {
    for (const listener of [...changes]) listener();
  };

  const until = (what: string, done: () => boolean, timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (done()) return resolve();
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        changes.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        changes.delete(check);
        reject(new Error(`${what} timed out after ${timeoutMs}ms (${open.length} open, ${accepted} accepted)`));
      }, timeoutMs);
      changes.add(check);
    });

  const accept = (ws: WebSocket): void => {
    accepted += 1;
    open.push(ws);
    const pings = setInterval(() => ws.ping(Buffer.from(`ping from stand-in (${Date.now()})`)), options.pingIntervalMs ?? 5000);
    pings.unref();
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (!isObject(message) || typeof message.envelope_id !== 'string') return;
      const ack: SocketAck = { envelope_id: message.envelope_id, at: new Date() };
      if (isObject(message.payload)) ack.payload = message.payload;
      acks.push(ack);
      changed();
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      clearInterval(pings);
      open.splice(open.indexOf(ws), 1);
      changed();
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: open.length,
        debug_info: { host: 'applink-standin', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: options.appId },
      }),
    );
    changed();
  };

  return {
    connectionUrl() {
      const ticket = randomUUID();
      tickets.add(ticket);
      return `${options.origin().replace(/^http/, 'ws')}${LINK_PATH}?ticket=${ticket}&app_id=${options.appId}`;
    },
    get openConnections() {
      return open.length;
    },
    get connectionsAccepted() {
      return accepted;
    },
    acks,
    waitForConnections(count = 1, timeoutMs = 5000) {
      return until(`waitForConnections(${count})`, () => open.length >= count, timeoutMs);
    },
    waitForNoConnection(timeoutMs = 5000) {
      return until('waitForNoConnection', () => open.length === 0, timeoutMs);
    },
    async deliver(type, payload, { ackTimeoutMs = 3000 } = {}) {
      const ws = open.at(-1);
      if (ws === undefined) throw new Error(`no Socket Mode connection to deliver a ${type} envelope on`);
      const envelopeId = randomUUID();
      const envelope: Record<string, unknown> = {
        envelope_id: envelopeId,
        type,
        payload,
        // Slack takes a response in the ack for commands, forms and block suggestions, not for clicks or events.
        accepts_response_payload: type === 'slash_commands' || (type === 'interactive' && payload.type !== 'block_actions'),
      };
      if (type === 'events_api') Object.assign(envelope, { retry_attempt: 0, retry_reason: '' });
      ws.send(JSON.stringify(envelope));
      const find = () => acks.find((ack) => ack.envelope_id === envelopeId);
      try {
        await until(`ack of ${envelopeId}`, () => find() !== undefined, ackTimeoutMs);
      } catch {
        // No ack in time: Slack would show a failed click or retry the event.
      }
      return { envelopeId, ack: find() };
    },
    requestDisconnect(reason = 'refresh_requested') {
      for (const ws of open) ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-standin' } }));
    },
    handleUpgrade(request, socket, head) {
      const url = new URL(request.url ?? '/', 'http://standin');
      const ticket = url.searchParams.get('ticket') ?? '';
      if (url.pathname !== LINK_PATH || !tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(request, socket, head, accept);
    },
    dropConnections() {
      for (const ws of [...open]) ws.terminate();
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
