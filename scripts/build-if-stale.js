// Compiles src/ into dist/ when there is no build yet or a source changed since the last
// one; otherwise does nothing (a directory walk of a few milliseconds). Plain JavaScript,
// so that running it never needs TypeScript's type stripping.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** Builds when it must; returns whether it did. */
export function buildIfStale() {
  const stamp = join(root, 'dist', '.built');
  const newestSource = Math.max(
    ...readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs),
  );
  if (existsSync(stamp) && newestSource <= statSync(stamp).mtimeMs) return false;
  process.stderr.write('dart-slack: compiling src/ into dist/ (only after a source changed)\n');
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  writeFileSync(stamp, new Date().toISOString());
  return true;
}

if (import.meta.main) buildIfStale();
