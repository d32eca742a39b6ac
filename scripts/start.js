// `npm start`: runs the compiled app (dist/), compiling it first only when it must: no
// dist yet, or a source newer than the last build. Compiled JavaScript starts faster and
// smaller than Node's type stripping of the sources (see bench/RESULTS.md), and plain JS
// here keeps this launcher free of both. The image builds at `docker build` instead.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist', '.built');
const sources = readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
  .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs);
if (!existsSync(stamp) || Math.max(...sources) > statSync(stamp).mtimeMs) {
  process.stderr.write('dart-slack: compiling src/ into dist/ (only after a source changed)\n');
  const started = Date.now();
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  writeFileSync(stamp, String(started));
}
await import('../dist/main.js');
