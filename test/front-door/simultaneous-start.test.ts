import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage } from '../../src/storage/storage.ts';

const CHILD = new URL('../support/open-database.ts', import.meta.url).pathname;
const INSTANCES = 6;

let folder = '';
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function openAt(path: string, startAt: number): Promise<string> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CHILD, path, String(startAt)], { timeout: 30_000 }, (error, stdout) =>
      resolve(stdout.trim() || String(error)),
    );
  });
}

describe('several instances starting at once on one fresh SQLite file', () => {
  it.each([1, 2, 3])(
    'all migrate it, none crashes (round %i)',
    async () => {
      folder = mkdtempSync(join(tmpdir(), 'dart-simultaneous-'));
      const path = join(folder, 'shared.db');
      // Far enough ahead for every child to have loaded before the instant.
      const startAt = Date.now() + 2500;
      const results = await Promise.all(Array.from({ length: INSTANCES }, () => openAt(path, startAt)));
      expect(results).toEqual(Array.from({ length: INSTANCES }, () => 'migrated'));
      // The file is in WAL mode (bytes 18 and 19 of a SQLite file header are 2 in WAL mode),
      // and every migration was applied: each repository reads and writes.
      expect([...readFileSync(path).subarray(18, 20)]).toEqual([2, 2]);
      const storage = await openStorage({ DATABASE_PATH: path });
      try {
        const at = new Date();
        await storage.audit.append({ action: 'tsp.resume', customer: 'c', requestedBy: 'U1', sent: {}, outcome: 'succeeded', at });
        await storage.reminders.put({ customer: 'c', channel: 'C1', scheduledMessageId: 'Q1', postAt: at });
        await storage.transfers.create({
          id: 't',
          customer: 'c',
          customerName: 'C',
          amount: '1.00',
          needsApproval: false,
          requestedBy: 'U1',
          requestedAt: at,
          expiresAt: at,
        });
        await storage.outbox.add({
          event: { kind: 'activated', oldUserName: 'c', newUserName: 'c', message: 'm' },
          route: 'alerts',
          receivedAt: at,
        });
        expect([
          (await storage.audit.forCustomer('c', { limit: 1 })).length,
          await storage.transfers.countPending(),
          (await storage.outbox.stats(at)).depth,
        ]).toEqual([1, 1, 1]);
      } finally {
        await storage.close();
      }
    },
    40_000,
  );
});
