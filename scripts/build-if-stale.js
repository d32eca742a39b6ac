// Compiles src/ into dist/ when there is no build yet or a source changed since the last
// one; otherwise does nothing (a directory walk of a few milliseconds). Plain JavaScript,
// so that running it never needs TypeScript's type stripping.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** Builds when it must; returns whether it did. */
export function buildIfStale() {
  // tsc rewrites every output, so the entry point's time is the last build's (`npm run build` included).
  const built = join(root, 'dist', 'main.js');
  const newestSource = Math.max(
    ...readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs),
  );
  if (existsSync(built) && newestSource <= statSync(built).mtimeMs) return false;
  process.stderr.write('dart-slack: compiling src/ into dist/ (only after a source changed)\n');
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  return true;
}

if (import.meta.main) buildIfStale();
