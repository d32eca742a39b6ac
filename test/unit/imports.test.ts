import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The relative modules `file` imports (static imports and re-exports), as absolute paths. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^import|^export)[^;]*?from '(\.[^']+)'/gms)].map((match) => resolve(dirname(file), match[1]!));
}

/** Every source module `entry` reaches through relative imports. */
function reachedFrom(entry: string): string[] {
  const seen = new Set([resolve(root, entry)]);
  for (const file of seen) for (const imported of relativeImports(file)) seen.add(imported);
  return [...seen].map((file) => relative(root, file));
}

describe('imports', () => {
  // Measured by `npm run bench`: the date-fns barrel loads ~250 modules and cost 1.3 s of
  // start-up and ~150 MiB; each function is imported from its own path instead.
  it('never import the date-fns barrel', () => {
    const offenders = [...sources('src'), ...sources('bench')].filter((file) => /from 'date-fns'/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  // `npm run build` compiles what src/main.ts reaches: the demo and the stand-ins never ship.
  it('what ships reaches no demo or stand-in code', () => {
    const shipped = reachedFrom('src/main.ts');
    expect(shipped).toContain('src/storage/sqlite/database.ts');
    expect(shipped.filter((file) => /^src\/(demo|sandbox)\//.test(file))).toEqual([]);
  });

  // A test oracle must not share code with what it tests.
  it('the stand-ins import nothing from the app', () => {
    const borrowed = sources('src/sandbox').flatMap((file) =>
      relativeImports(file).filter((imported) => !imported.startsWith(join(root, 'src/sandbox/'))),
    );
    expect(borrowed.map((file) => relative(root, file))).toEqual([]);
  });

  // The storage seam: each engine lives in its own folder and nothing else knows SQL.
  it('only src/storage/sqlite uses node:sqlite, only the engines’ folders use SQL on a table, and no test does', () => {
    const tables = [...readFileSync(join(root, 'src/storage/sqlite/migrations.ts'), 'utf8').matchAll(/CREATE TABLE (\w+)/g)].map(
      (match) => match[1]!,
    );
    expect(tables).toContain('transfers');
    const sql = new RegExp(`\\b(FROM|INTO|UPDATE|TABLE|JOIN)\\s+(${tables.join('|')})\\b`);
    const engine = `'node:${'sqlite'}'`;
    const outside = [...sources('src'), ...sources('test'), ...sources('bench'), ...sources('scripts')].filter(
      (file) => !file.includes('/src/storage/sqlite/'),
    );
    const offenders = outside.filter((file) => {
      const text = readFileSync(file, 'utf8');
      return text.includes(engine) || (sql.test(text) && !file.includes('/src/storage/postgres/'));
    });
    expect(offenders.map((file) => relative(root, file))).toEqual([]);
  });
});
