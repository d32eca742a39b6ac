import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStorage, type Storage } from '../../src/storage/storage.ts';
import { createLogger } from '../../src/util/logger.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { startNode, stopChildren, type StartedChild } from '../support/processes.ts';

const WORKERS = 3;
const EVENTS_PER_WORKER = 60;

interface Hold {
  route: string;
  start: number;
  end: number;
  posted: boolean;
  ids: number[];
}

function holdsOf(child: StartedChild): Hold[] {
  return child.output
    .split('\n')
    .filter((line) => line.startsWith('hold '))
    .map((line) => {
      const [, route, start, end, outcome, ...ids] = line.split(' ');
      return { route: route!, start: Number(start), end: Number(end), posted: outcome === 'posted', ids: ids.map(Number) };
    });
}

/**
 * Several app processes on one database, each storing events and draining two channels at
 * once: what Slack would have seen, channel by channel, in the order the holds happened.
 */
async function runWorkers(databaseEnv: Record<string, string>, storage: Storage) {
  const children = Array.from({ length: WORKERS }, (_, worker) =>
    startNode(
      'test/storage/claim-worker.ts',
      { ...databaseEnv, WORKER: String(worker), EVENTS: String(EVENTS_PER_WORKER) },
      { stdin: 'open' },
    ),
  );
  await vi.waitFor(
    async () => {
      for (const child of children) expect(child.output).toContain('intake-done');
      expect((await storage.outbox.stats(new Date())).depth).toBe(0);
    },
    { timeout: 90_000, interval: 100 },
  );
  for (const child of children) child.child.stdin?.end('stop\n');
  const codes = await Promise.all(children.map((child) => child.exited));
  expect(codes, children.map((child) => child.output.slice(-2000)).join('\n---\n')).toEqual(children.map(() => 0));
  return children.flatMap(holdsOf);
}

function verdict(holds: Hold[]) {
  const duplicates: number[] = [];
  const outOfOrder: string[] = [];
  const overlapping: string[] = [];
  const seen = new Set<number>();
  for (const route of ['alerts', 'withdrawals']) {
    const lane = holds.filter((hold) => hold.route === route).sort((a, b) => a.start - b.start);
    let last = -Infinity;
    let lastEnd = -Infinity;
    for (const hold of lane) {
      if (hold.start < lastEnd) overlapping.push(`${route} at ${hold.start}`);
      lastEnd = Math.max(lastEnd, hold.end);
      if (!hold.posted) continue;
      for (const id of hold.ids) {
        if (seen.has(id)) duplicates.push(id);
        seen.add(id);
        if (id <= last) outOfOrder.push(`${route}: ${id} after ${last}`);
        last = Math.max(last, id);
      }
    }
  }
  return { duplicates, outOfOrder, overlapping, posted: seen.size };
}

afterEach(stopChildren);

/** Above the drain's own 90 s wait: three processes on a loaded 2-core machine once took more than the default 30 s. */
const STRESS_TIMEOUT = { timeout: 120_000 };

describe('the outbox claim across processes (3 processes, 2 channels, events stored while they drain)', () => {
  it('on PostgreSQL: each event posted once, in order per channel, one holder per channel at a time', STRESS_TIMEOUT, async () => {
    const database = await createTestDatabase();
    const storage = await openStorage({ DATABASE_PATH: '', DATABASE_URL: database.url, DATABASE_POOL_MAX: 2 }, createLogger('silent'));
    try {
      const holds = await runWorkers({ DATABASE_URL: database.url }, storage);
      expect(verdict(holds)).toEqual({ duplicates: [], outOfOrder: [], overlapping: [], posted: WORKERS * EVENTS_PER_WORKER });
    } finally {
      await storage.close();
      await database.drop();
    }
  });

  it('on a shared SQLite file: the same', STRESS_TIMEOUT, async () => {
    const directory = mkdtempSync(join(tmpdir(), 'dart-claim-'));
    const path = join(directory, 'shared.db');
    const storage = await openStorage({ DATABASE_PATH: path }, createLogger('silent'));
    try {
      const holds = await runWorkers({ DATABASE_PATH: path }, storage);
      expect(verdict(holds)).toEqual({ duplicates: [], outOfOrder: [], overlapping: [], posted: WORKERS * EVENTS_PER_WORKER });
    } finally {
      await storage.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
