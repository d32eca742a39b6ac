import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpRouter, sendJson } from '../../src/http/router.ts';
import { createLogger } from '../../src/util/logger.ts';

let server: Server;
let port: number;
beforeAll(async () => {
  const router = new HttpRouter(createLogger('silent'));
  router.add('GET', '/ok', (_request, response) => sendJson(response, 200, { ok: true }));
  router.add('GET', '/throws', async () => {
    throw new Error('boom');
  });
  server = createServer(router.listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends a raw HTTP request line (fetch would normalise it) and returns the status line. */
function raw(target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

describe('HttpRouter', () => {
  it('answers 400 to request targets URL cannot read, and keeps serving', async () => {
    for (const target of ['//', '///', '//a:b@/x']) expect(await raw(target)).toBe('HTTP/1.1 400 Bad Request');
    expect(await raw('/ok')).toBe('HTTP/1.1 200 OK');
  });

  it('answers 404, 405 and, for a handler that throws, 500', async () => {
    expect(await raw('/nowhere')).toBe('HTTP/1.1 404 Not Found');
    const post = await fetch(`http://127.0.0.1:${port}/ok`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect(await raw('/throws')).toBe('HTTP/1.1 500 Internal Server Error');
  });
});
