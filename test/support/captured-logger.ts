import { Writable } from 'node:stream';
import type { LevelWithSilent } from 'pino';
import { createLogger, type Logger } from '../../src/util/logger.ts';

/** The app's logger writing into memory: `logs` holds each write as the app emitted it (JSON lines). */
export function capturedLogger(level: LevelWithSilent = 'info'): { logger: Logger; logs: string[] } {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger(level, sink), logs };
}
