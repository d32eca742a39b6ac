import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/store/database.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';

const CHILD = new URL('../support/open-database.ts', import.meta.url).pathname;
const INSTANCES = 6;

let folder = '';
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function openAt(path: string, startAt: number): Promise<string> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CHILD, path, String(startAt)], { timeout: 30_000 }, (error, stdout) => resolve(stdout.trim() || String(error)));
  });
}

describe('several instances starting at once on one fresh SQLite file', () => {
  it.each([1, 2, 3])('all migrate it, none crashes (round %i)', async () => {
    folder = mkdtempSync(join(tmpdir(), 'dart-simultaneous-'));
    const path = join(folder, 'shared.db');
    // Far enough ahead for every child to have loaded before the instant.
    const startAt = Date.now() + 2500;
    const results = await Promise.all(Array.from({ length: INSTANCES }, () => openAt(path, startAt)));
    expect(results).toEqual(Array.from({ length: INSTANCES }, () => 'migrated'));
    const database = new Database(path);
    try {
      const applied = database.sqlite.prepare('SELECT name FROM schema_migrations ORDER BY name').all().map((row) => row.name);
      expect(applied).toEqual(MIGRATIONS.map((migration) => migration.name).sort());
      expect(database.sqlite.prepare('PRAGMA journal_mode').get()?.journal_mode).toBe('wal');
    } finally {
      database.close();
    }
  }, 40_000);
});
