/**
 * Pure helpers of the benchmark: percentiles, the results table and the RESULTS.md
 * document. No I/O and no clocks here, so they are unit-tested (test/unit/bench-report.test.ts).
 */

/** A measured value, or why there is none (e.g. `not available (404)`). */
export type Figure = { value: number } | { missing: string };

/** One line of the results table: the app's figure next to its baseline. */
export interface Row {
  /** e.g. `1. Slash-command ack latency` */
  scenario: string;
  /** e.g. `p99`, `requests/s` */
  measure: string;
  unit: 'ms' | 's' | 'req/s' | 'MiB';
  /** Which way is good, so the ratio can be read. */
  better: 'lower' | 'higher';
  figure: Figure;
  baseline: Figure;
  /** What the baseline is, e.g. `bare Bolt app (ack only)`. */
  baselineLabel: string;
}

/** What one scenario hands back: its rows and the notes that explain them. */
export interface ScenarioResult {
  rows: Row[];
  /** One line each, shown as a list under the scenario's heading in RESULTS.md. */
  notes: string[];
  /** Markdown blocks (e.g. a profile's table) shown after the notes. */
  details?: string[];
}

/** A scenario's section of RESULTS.md. */
export interface NotesSection {
  title: string;
  notes: readonly string[];
  details?: readonly string[];
}

/** A figure that was measured. */
export function measured(value: number): Figure {
  return { value };
}

/** A figure that could not be measured, with the reason shown in its cell. */
export function missing(reason: string): Figure {
  return { missing: reason };
}

/**
 * The p-th percentile (0–100) of `values` by the nearest-rank method: the smallest value
 * that at least p % of the values do not exceed. NaN for no values.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** The median of `values` (NaN for none). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * figure ÷ baseline, or undefined when either is missing or the baseline is zero. Read it
 * with `Row.better`: for latency 3.0 means three times slower, for throughput 0.33 does.
 */
export function ratio(row: Pick<Row, 'figure' | 'baseline'>): number | undefined {
  if (!('value' in row.figure) || !('value' in row.baseline) || row.baseline.value === 0) return undefined;
  return row.figure.value / row.baseline.value;
}

/**
 * How many times worse than its baseline a row is (1 = as good, 3 = three times worse
 * whichever way is good), or undefined when it has no ratio.
 */
export function timesWorse(row: Row): number | undefined {
  const r = ratio(row);
  if (r === undefined || r === 0) return undefined;
  return row.better === 'lower' ? r : 1 / r;
}

/** A value with its unit, with as many digits as its size deserves. */
export function formatValue(figure: Figure, unit: Row['unit']): string {
  if ('missing' in figure) return figure.missing;
  const v = figure.value;
  if (!Number.isFinite(v)) return 'n/a';
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${unit}`;
}

/** `×2.41`, or `–` when there is no ratio. */
export function formatRatio(row: Row): string {
  const r = ratio(row);
  if (r === undefined) return '–';
  return `×${r >= 10 ? r.toFixed(1) : r.toFixed(2)}`;
}

/** A Markdown table; cells have their `|` escaped. Reads as well in a terminal as rendered. */
export function markdownTable(header: readonly string[], lines: readonly (readonly string[])[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => cell(line[i] ?? '').length)));
  const format = (cells: readonly string[]) => `| ${header.map((_, i) => cell(cells[i] ?? '').padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [format(header), rule, ...lines.map(format)].join('\n');
}

/** The results table: one line per row, the figure next to its baseline and their ratio. */
export function resultsTable(rows: readonly Row[]): string {
  return markdownTable(
    ['scenario', 'measure', 'dart-slack', 'baseline', 'ratio', 'better', 'baseline is'],
    rows.map((row) => [
      row.scenario,
      row.measure,
      formatValue(row.figure, row.unit),
      formatValue(row.baseline, row.unit),
      formatRatio(row),
      row.better,
      row.baselineLabel,
    ]),
  );
}

/** Where and when the figures were taken. */
export interface MachineInfo {
  date: Date;
  nodeVersion: string;
  cpuModel: string;
  cpuCount: number;
  platform: string;
}

/** bench/RESULTS.md: machine, table, and each scenario's notes. */
export function resultsDocument(machine: MachineInfo, rows: readonly Row[], sections: readonly NotesSection[]): string {
  const parts = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (bench/run.ts); run it again to refresh. Each figure is measured',
    'next to its baseline in the same run on the same machine: compare the ratios, not the',
    'absolute times, between machines or runs.',
    '',
    `- date: ${machine.date.toISOString()}`,
    `- node: ${machine.nodeVersion} (${machine.platform})`,
    `- cpu: ${machine.cpuModel} × ${machine.cpuCount}`,
    '',
    resultsTable(rows),
    '',
    'ratio = dart-slack ÷ baseline; `better` says which way is good.',
  ];
  for (const section of sections) {
    const details = section.details ?? [];
    if (section.notes.length === 0 && details.length === 0) continue;
    parts.push('', `## ${section.title}`);
    if (section.notes.length > 0) parts.push('', ...section.notes.map((line) => `- ${line}`));
    for (const block of details) parts.push('', block);
  }
  return `${parts.join('\n')}\n`;
}
