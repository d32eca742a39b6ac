import { DatabaseSync, type StatementSync } from 'node:sqlite';

/** One schema step. Names are unique and never reused; each capability owns its own. */
export interface Migration {
  name: string;
  sql: string;
}

/**
 * The embedded SQLite database (Node's own `node:sqlite`, no native build). Every
 * capability keeps its tables here behind its own small store interface, so a second
 * implementation (PostgreSQL, say) can replace one without touching its callers.
 *
 * WAL mode with a busy timeout lets several app instances share one file safely: each
 * state change the stores make is a single statement or an immediate transaction.
 */
export class Database {
  /** Which engine holds the state, as `/healthz` reports it. */
  readonly kind = 'sqlite';
  readonly sqlite: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  constructor(path: string) {
    this.sqlite = new DatabaseSync(path);
    this.sqlite.exec('PRAGMA busy_timeout = 5000');
    if (path !== ':memory:') this.sqlite.exec('PRAGMA journal_mode = WAL');
    this.sqlite.exec('PRAGMA synchronous = FULL');
    this.sqlite.exec('PRAGMA foreign_keys = ON');
    this.sqlite.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
  }

  /** Applies the migrations not yet applied, each in its own transaction, in the order given. */
  migrate(migrations: readonly Migration[]): void {
    const applied = new Set(
      this.sqlite.prepare('SELECT name FROM schema_migrations').all().map((row) => String(row.name)),
    );
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      this.transaction(() => {
        this.sqlite.exec(migration.sql);
        this.sqlite
          .prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)')
          .run(migration.name, new Date().toISOString());
      });
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

  /** True when a trivial query answers (for `/readyz`); never throws. */
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
