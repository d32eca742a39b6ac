import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('imports', () => {
  // Measured by `npm run bench`: the date-fns barrel loads ~250 modules and cost 1.3 s of
  // start-up and ~150 MiB; each function is imported from its own path instead.
  it('never import the date-fns barrel', () => {
    const offenders = [...sources('src'), ...sources('bench')].filter((file) => /from 'date-fns'/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
