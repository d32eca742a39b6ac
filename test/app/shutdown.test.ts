import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage } from '../../src/storage/storage.ts';
import { startHarness, USERS } from '../support/harness.ts';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('stopping while a write waits for DART', () => {
  it('records DART’s answer in the audit log before the database closes', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'dart-shutdown-'));
    directories.push(directory);
    const path = join(directory, 'app.db');
    const h = await startHarness({ env: { DATABASE_PATH: path } });
    h.dart.setLatency(800);
    const sent = await h.requests.slashCommand(USERS.operator, 'suspend billyjoel 10');
    expect(sent.status).toBe(200);
    // DART has the request (it records calls as they arrive) and is still working on it.
    while (h.dart.callsTo('customer/update-tsp-status').length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    // SIGTERM's path: stop at once, with DART still answering.
    await h.stop();
    const storage = await openStorage({ DATABASE_PATH: path });
    try {
      const entries = await storage.audit.forCustomer('billyjoel', { limit: 10 });
      expect(entries.map((entry) => [entry.action, entry.outcome])).toEqual([['tsp.suspend', 'succeeded']]);
    } finally {
      await storage.close();
    }
  });
});
