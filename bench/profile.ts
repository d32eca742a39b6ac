/**
 * Summarises a V8 CPU profile (what `node --cpu-prof` writes) into the functions that took
 * the most CPU themselves and the parts of the code that time went to. Pure, unit-tested.
 */
import { markdownTable } from './report.ts';

/** The parts of a `.cpuprofile` that the summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/** CPU time spent in one function (or one area) itself, not in what it called. */
interface SelfTime {
  name: string;
  selfMs: number;
  /** Share of the busy (non-idle) time, 0–1. */
  share: number;
}

/** What a profile says: busy time, top functions, time per area. */
export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  functions: SelfTime[];
  areas: SelfTime[];
}

const IDLE = '(idle)';

/**
 * Which part of the code a script URL belongs to: the app (`src/…`), a dependency by package
 * name, a library bundled into Node, Node's own internals, or V8's pseudo-frames
 * (`(garbage collector)`, `(program)`).
 */
export function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  // Libraries bundled into Node (undici behind fetch, amaro for type stripping) by name.
  const bundled = /^node:internal\/deps\/([^/]+)/.exec(url);
  if (bundled) return `node's ${bundled[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  if (url.startsWith('wasm://')) return 'wasm'; // undici's HTTP parser or amaro's type stripper
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1]!;
  const own = /\/(src|bench)\/(?:([^/]+)\/)?/.exec(url);
  if (own) return own[2] === undefined ? own[1]! : `${own[1]}/${own[2]}`;
  return url.replace(/^file:\/\//, '');
}

/** Which samples to count, and how many functions to list. */
export interface SummaryOptions {
  /**
   * Count only samples taken at or after this time, in the profile's clock (microseconds
   * of the monotonic clock: `process.hrtime.bigint() / 1000n` on the same machine), e.g.
   * to leave start-up out of a profile of a load.
   */
  fromMicros?: number;
  top?: number;
}

/** Self time per function and per area; each sample counts its interval (`timeDeltas`). */
export function summarizeProfile(profile: CpuProfile, { fromMicros = -Infinity, top = 12 }: SummaryOptions = {}): ProfileSummary {
  const selfMs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (samples.length > 0 && deltas.length === samples.length) {
    // A sample's delta is the time since the previous one: charge it to the node sampled now.
    let at = profile.startTime;
    for (let i = 0; i < samples.length; i++) {
      at += deltas[i]!;
      if (at >= fromMicros) selfMs.set(samples[i]!, (selfMs.get(samples[i]!) ?? 0) + deltas[i]! / 1000);
    }
  } else {
    const hits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
    const interval = hits === 0 ? 0 : (profile.endTime - profile.startTime) / 1000 / hits;
    for (const node of profile.nodes) selfMs.set(node.id, (node.hitCount ?? 0) * interval);
  }
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let idleMs = 0;
  for (const node of profile.nodes) {
    const ms = selfMs.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === IDLE) {
      idleMs += ms;
      continue;
    }
    const where = url === '' ? '' : ` ${shortUrl(url)}:${lineNumber + 1}`;
    const name = `${functionName || '(anonymous)'}${where}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + ms);
  }
  const busyMs = [...byArea.values()].reduce((sum, ms) => sum + ms, 0);
  const rank = (map: Map<string, number>, limit: number): SelfTime[] =>
    [...map]
      .filter(([, ms]) => ms > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, ms]) => ({ name, selfMs: ms, share: busyMs === 0 ? 0 : ms / busyMs }));
  return { busyMs, idleMs, functions: rank(byFunction, top), areas: rank(byArea, 8) };
}

/** The summary as two Markdown tables: areas, then top functions. */
export function profileTables(summary: ProfileSummary): string {
  const lines = (items: SelfTime[]) =>
    items.map((item) => [item.name, `${item.selfMs.toFixed(0)} ms`, `${(item.share * 100).toFixed(1)} %`]);
  return [
    `CPU busy ${summary.busyMs.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms.`,
    '',
    markdownTable(['area', 'self time', 'share of busy'], lines(summary.areas)),
    '',
    markdownTable(['function', 'self time', 'share of busy'], lines(summary.functions)),
  ].join('\n');
}

/** A script URL without the machine-specific part before `node_modules/`, `src/` or `bench/`. */
function shortUrl(url: string): string {
  const match = /(?:node_modules\/|\/(?=src\/|bench\/)).*$/.exec(url);
  if (!match) return url.replace(/^file:\/\//, '');
  return match[0].replace(/^\//, '');
}
