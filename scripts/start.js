// `npm start`: runs the compiled app (dist/), compiling it first only when it must (no
// build yet, or a source newer than the last build). Compiled JavaScript starts faster and
// smaller than Node's type stripping of the sources (bench/RESULTS.md). The image compiles
// at `docker build` and runs `node dist/main.js` directly.
import { buildIfStale } from './build-if-stale.js';

buildIfStale();
await import('../dist/main.js');
