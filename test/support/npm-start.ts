import { readFileSync } from 'node:fs';

/** package.json's start script: what `npm start` runs (the compiled app, built first if a source changed). */
export const NPM_START = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }
).scripts.start;

/** `NPM_START` as Node's arguments: its options, and its script (relative to the repository's root). */
export function npmStartArguments(): { options: string[]; script: string } {
  const [program, ...args] = NPM_START.trim().split(/\s+/);
  const script = args.at(-1);
  if (program !== 'node' || script === undefined || script.startsWith('-')) {
    throw new Error(`package.json's start script is not "node [options] <script>": ${NPM_START}`);
  }
  return { options: args.slice(0, -1), script };
}
