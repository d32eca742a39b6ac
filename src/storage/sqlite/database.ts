import { DatabaseSync, type StatementSync } from 'node:sqlite';

const BUSY_TIMEOUT_MS = 5000;

/** For a short synchronous pause between attempts (the constructor is synchronous). */
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

function isLocked(error: unknown): boolean {
  return error instanceof Error && /database is locked|SQLITE_BUSY/i.test(error.message);
}

/** `?, ?, ?` for a list of `count` values (`IN (…)`). */
export const placeholders = (count: number): string => Array.from({ length: count }, () => '?').join(', ');

/** One schema step. Names are unique and never reused; they carry the aggregate's name so they never collide. */
export interface Migration {
  name: string;
  sql: string;
}

/**
 * The embedded SQLite database (Node's own `node:sqlite`, no native build), shared by the
 * SQLite repositories of this folder.
 *
 * WAL mode with a busy timeout lets several app instances share one file safely: each
 * state change the repositories make is a single statement or an immediate transaction.
 * The API is synchronous, so no transaction can span an `await`: the repositories do all
 * of a change's work inside one synchronous call and hand back a settled promise.
 */
export class Database {
  readonly sqlite: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  constructor(path: string) {
    // The busy timeout is set at open, before any statement: several instances may open a
    // fresh file at the same moment and each first statement may meet another's lock.
    this.sqlite = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS });
    if (path !== ':memory:') this.#switchToWal();
    this.sqlite.exec('PRAGMA synchronous = FULL');
    this.sqlite.exec('PRAGMA foreign_keys = ON');
    this.sqlite.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  }

  /**
   * Applies the migrations not yet applied, each in its own transaction, in the order given.
   * Whether one is applied is read inside its write transaction, so two instances migrating
   * at once never both apply it.
   */
  migrate(migrations: readonly Migration[]): void {
    const isApplied = this.sqlite.prepare('SELECT 1 FROM schema_migrations WHERE name = ?');
    for (const migration of migrations) {
      this.transaction(() => {
        if (isApplied.get(migration.name) !== undefined) return;
        this.sqlite.exec(migration.sql);
        this.sqlite.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(migration.name, new Date().toISOString());
      });
    }
  }

  /**
   * Switching a file to WAL needs an exclusive lock, and SQLite answers "database is locked"
   * at once (without waiting out the busy timeout) when another connection is opening it
   * too: retry until the file is in WAL mode, by us or by the other instance.
   */
  #switchToWal(): void {
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    for (;;) {
      try {
        const mode = this.sqlite.prepare('PRAGMA journal_mode = WAL').get()?.journal_mode;
        if (mode === 'wal') return;
        throw new Error(`SQLite kept journal mode ${String(mode)} instead of WAL`);
      } catch (error) {
        if (!isLocked(error) || Date.now() > deadline) throw error;
        Atomics.wait(SLEEPER, 0, 0, 10 + Math.random() * 40);
      }
    }
  }

  /** Runs `work` in an immediate transaction (the write lock is taken at once). */
  transaction<T>(work: () => T): T {
    this.sqlite.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.sqlite.exec('COMMIT');
      return result;
    } catch (error) {
      this.sqlite.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * The statement for `sql`, prepared once and reused. A node:sqlite statement holds native
   * memory that the garbage collector does not see, so one prepared per call piled up under
   * load: ~150 MiB of resident memory after the bench's webhook intake (bench/RESULTS.md).
   */
  prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.sqlite.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** True when a trivial query answers; never throws. */
  reachable(): boolean {
    try {
      // A read of a real table, so a file that can no longer be read counts as unreachable.
      this.sqlite.prepare('SELECT COUNT(*) FROM schema_migrations').get();
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.sqlite.isOpen) this.sqlite.close();
  }
}
