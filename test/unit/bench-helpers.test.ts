import { describe, expect, it } from 'vitest';
import { countStatuses, describeStatuses, latencyFigure, throughputFigure, unavailability, type LoadResult } from '../../bench/load.ts';
import { areaOf, summarizeProfile, type CpuProfile } from '../../bench/profile.ts';
import {
  formatRatio,
  formatValue,
  markdownTable,
  measured,
  median,
  missing,
  percentile,
  ratio,
  resultsDocument,
  resultsTable,
  timesWorse,
  type Row,
} from '../../bench/report.ts';
import { amountPattern, burstAmounts, eventsPerMessage, visibleAmounts } from '../../bench/visibility.ts';
import type { PostedMessage } from '../../src/sandbox/slack/standin.ts';

const row = (overrides: Partial<Row> = {}): Row => ({
  scenario: '1. Slash-command ack latency',
  measure: 'ack p99',
  unit: 'ms',
  better: 'lower',
  figure: measured(30),
  baseline: measured(10),
  baselineLabel: 'bare Bolt app',
  ...overrides,
});

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted on purpose

  it.each([
    [50, 50],
    [95, 95],
    [99, 99],
    [100, 100],
    [0, 1],
  ])('p%s of 1…100 is %s', (p, expected) => {
    expect(percentile(hundred, p)).toBe(expected);
  });

  it('takes the value at or above the rank for small samples', () => {
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([5, 1, 3], 99)).toBe(5);
    expect(median([4, 2])).toBe(2);
  });

  it('is NaN for no values and refuses a p outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('does not reorder the caller’s values', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('ratio and formatting', () => {
  it('divides the figure by the baseline and says how many times worse it is', () => {
    expect(ratio(row())).toBe(3);
    expect(timesWorse(row())).toBe(3);
    const throughput = row({ unit: 'req/s', better: 'higher', figure: measured(500), baseline: measured(2000) });
    expect(ratio(throughput)).toBe(0.25);
    expect(timesWorse(throughput)).toBe(4);
  });

  it('has no ratio when a side is missing or the baseline is zero', () => {
    expect(ratio(row({ figure: missing('not available (404)') }))).toBeUndefined();
    expect(ratio(row({ baseline: measured(0) }))).toBeUndefined();
    expect(formatRatio(row({ figure: missing('not available (404)') }))).toBe('–');
  });

  it('formats values by size and shows the reason for a missing one', () => {
    expect(formatValue(measured(4.567), 'ms')).toBe('4.57 ms');
    expect(formatValue(measured(26.54), 'ms')).toBe('26.5 ms');
    expect(formatValue(measured(12639.4), 'req/s')).toBe('12639 req/s');
    expect(formatValue(missing('not available (404)'), 'req/s')).toBe('not available (404)');
    expect(formatRatio(row())).toBe('×3.00');
    expect(formatRatio(row({ figure: measured(125) }))).toBe('×12.5');
  });
});

describe('markdownTable', () => {
  it('pads columns and escapes pipes', () => {
    expect(markdownTable(['a', 'long header'], [['x|y', '1']])).toBe(
      ['| a    | long header |', '|------|-------------|', '| x\\|y | 1           |'].join('\n'),
    );
  });
});

describe('results', () => {
  const rows = [
    row(),
    row({
      scenario: '2. Webhook intake',
      measure: 'requests/s',
      unit: 'req/s',
      better: 'higher',
      figure: missing('not available (404)'),
      baseline: measured(12000),
    }),
  ];

  it('puts each figure next to its baseline and their ratio', () => {
    const table = resultsTable(rows);
    expect(table).toContain('| 1. Slash-command ack latency | ack p99    | 30.0 ms');
    expect(table).toMatch(/10\.0 ms\s+\| ×3\.00 \| lower/);
    expect(table).toMatch(/not available \(404\) \| 12000 req\/s \| –/);
  });

  it('writes the date, Node version, CPU and notes into the document', () => {
    const document = resultsDocument(
      { date: new Date('2026-01-02T03:04:05Z'), nodeVersion: 'v24.21.0', cpuModel: 'Test CPU', cpuCount: 2, platform: 'linux' },
      rows,
      [
        { title: '1. Slash-command ack latency', notes: ['300 requests'], details: ['| t |\n|---|'] },
        { title: '2. Webhook intake', notes: [] },
      ],
    );
    expect(document).toContain('- date: 2026-01-02T03:04:05.000Z');
    expect(document).toContain('- node: v24.21.0 (linux)');
    expect(document).toContain('- cpu: Test CPU × 2');
    expect(document).toContain('## 1. Slash-command ack latency\n\n- 300 requests\n\n| t |');
    expect(document).not.toContain('## 2. Webhook intake');
  });
});

describe('load outcomes', () => {
  const load = (statuses: number[], errors = 0): LoadResult => ({
    latenciesMs: statuses.map((_, i) => i + 1),
    statuses: countStatuses(statuses),
    errors,
    elapsedMs: 2000,
  });

  it('uses a load with successes', () => {
    const result = load([200, 200, 202, 503]);
    expect(unavailability(result)).toBeUndefined();
    expect(throughputFigure(result)).toEqual({ value: 1.5 }); // 3 successes in 2 s
    expect(latencyFigure(result, 50)).toEqual({ value: 2 });
    expect(describeStatuses(result)).toBe('2 × 200, 1 × 202, 1 × 503');
  });

  it('calls a load whose requests all failed not available, with the commonest status', () => {
    expect(unavailability(load([404, 404, 405]))).toBe('not available (404)');
    expect(latencyFigure(load([404]), 99)).toEqual({ missing: 'not available (404)' });
    expect(unavailability(load([], 3))).toBe('not available (no answer)');
    expect(describeStatuses(load([], 3))).toBe('3 without answer');
  });
});

describe('burst visibility', () => {
  const message = (text: string, blocks?: unknown[]): PostedMessage => ({ channel: 'C1', ts: '1.0', text, blocks, updated: 0 });

  it('gives each event of a burst its own amount', () => {
    expect(burstAmounts(3)).toEqual(['1.01', '1.02', '1.03']);
    expect(burstAmounts(30).at(-1)).toBe('1.30');
    expect(new Set(burstAmounts(30)).size).toBe(30);
  });

  it('finds an amount with or without trailing zeros, never inside another number', () => {
    const tens = amountPattern('1.10');
    expect(tens.test('withdrew 1.10 USDC')).toBe(true);
    expect(tens.test('withdrew 1.1 USDC')).toBe(true);
    expect(tens.test('withdrew *1.10*')).toBe(true);
    expect(tens.test('withdrew 11.10')).toBe(false);
    expect(tens.test('withdrew 1.101')).toBe(false);
    expect(tens.test('ts 1700000001.10')).toBe(false);
    expect(amountPattern('1.01').test('1.1')).toBe(false);
    expect(amountPattern('50').test('50.00 USDC')).toBe(true);
    expect(amountPattern('50').test('50.5')).toBe(false);
  });

  it('counts events shown by single messages and digests, in text or blocks', () => {
    const amounts = burstAmounts(4);
    const messages = [
      message('Withdrawal of 1.01 USDC'),
      message('3 withdrawals', [{ type: 'section', text: { type: 'mrkdwn', text: '• 1.02\n• 1.03' } }]),
    ];
    expect([...visibleAmounts(messages, amounts)].sort()).toEqual(['1.01', '1.02', '1.03']);
    expect(eventsPerMessage(messages, amounts)).toEqual([1, 2]);
  });
});

describe('profile summary', () => {
  const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', '') },
      { id: 2, callFrame: frame('(idle)', '') },
      { id: 3, callFrame: frame('dispatch', 'file:///repo/src/slack/routes.ts') },
      { id: 4, callFrame: frame('parse', 'file:///repo/node_modules/zod/v4/core/parse.js') },
      { id: 5, callFrame: frame('(garbage collector)', '') },
    ],
    startTime: 1_000_000,
    endTime: 1_010_000,
    samples: [2, 3, 3, 4, 5, 3],
    timeDeltas: [1000, 1000, 1000, 1000, 1000, 5000],
  };

  it('charges each sample’s interval to its function and area, idle apart', () => {
    const summary = summarizeProfile(profile);
    expect(summary.idleMs).toBe(1);
    expect(summary.busyMs).toBe(9);
    expect(summary.functions[0]).toEqual({ name: 'dispatch src/slack/routes.ts:10', selfMs: 7, share: 7 / 9 });
    expect(summary.areas.map((area) => area.name)).toEqual(['src/slack', 'zod', '(garbage collector)']);
  });

  it('leaves out samples before a given time', () => {
    const summary = summarizeProfile(profile, { fromMicros: 1_004_000 });
    expect(summary.busyMs).toBe(7); // the zod sample (at 1_004_000), GC and the last dispatch
    expect(summary.idleMs).toBe(0);
  });

  it('names areas by package, own folder or Node internals', () => {
    expect(areaOf('file:///x/node_modules/@slack/bolt/dist/App.js', 'f')).toBe('@slack/bolt');
    expect(areaOf('file:///x/src/main.ts', 'f')).toBe('src');
    expect(areaOf('file:///x/bench/scenarios/a.ts', 'f')).toBe('bench/scenarios');
    expect(areaOf('node:internal/url', 'URL')).toBe('node internals');
    expect(areaOf('node:internal/deps/undici/undici', '_Request')).toBe("node's undici");
    expect(areaOf('wasm://wasm/00ad0bc6', 'f')).toBe('wasm');
    expect(areaOf('', '(program)')).toBe('(program)');
    expect(areaOf('', 'writev')).toBe('(native)');
  });
});
