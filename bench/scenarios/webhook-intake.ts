/**
 * Scenario 2: how many DART webhooks per second the app takes in, each stored durably
 * (SQLite, synchronous=FULL, a real file) before its 2xx, and how long the slowest wait,
 * next to a bare `node:http` server that reads the same requests and answers 200.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { profileApp } from '../child.ts';
import { combineLoads, describeLoad, latencyFigure, runLoad, throughputFigure, unavailability, type LoadResult } from '../load.ts';
import type { ScenarioResult } from '../report.ts';
import { startBenchApp, type Bench } from '../setup.ts';
import { webhookMix } from '../webhooks.ts';

export const TITLE = '2. Webhook intake';

/** Fixed concurrency for a fixed time, every request a new event (the four kinds in turn). */
export const INTAKE_LOAD = { durationSeconds: 10, connections: 20 } as const;

const BASELINE = 'bare node:http server answering 200';

/**
 * Sends the intake load to `origin`, or split evenly over several origins at once (the
 * same connections in all, one stream of distinct events), as one result.
 */
export async function driveWebhooks(origins: string | readonly string[]): Promise<LoadResult> {
  const targets = typeof origins === 'string' ? [origins] : origins;
  const request = webhookMix();
  const connections = INTAKE_LOAD.connections / targets.length;
  return combineLoads(
    await Promise.all(targets.map((origin) => runLoad({ origin, connections, durationSeconds: INTAKE_LOAD.durationSeconds, request }))),
  );
}

/** The baseline: the intake load against a bare server answering 200. */
export async function measureBareIntake(): Promise<LoadResult> {
  const bare = await startBareServer();
  try {
    return await driveWebhooks(bare.origin);
  } finally {
    await bare.stop();
  }
}

/** Runs the baseline server, then the app, under the same load. */
export async function run(bench: Bench): Promise<ScenarioResult> {
  const baseline = await measureBareIntake();

  const started = await startBenchApp(bench);
  let figure: LoadResult;
  let health: string;
  try {
    figure = await driveWebhooks(started.app.url);
    health = await (await fetch(`${started.app.url}/healthz`)).text();
  } finally {
    await started.stop();
  }

  const available = unavailability(figure) === undefined;
  return {
    rows: [
      {
        scenario: TITLE,
        measure: 'requests/s',
        unit: 'req/s',
        better: 'higher',
        figure: throughputFigure(figure),
        baseline: throughputFigure(baseline),
        baselineLabel: BASELINE,
      },
      {
        scenario: TITLE,
        measure: 'p99',
        unit: 'ms',
        better: 'lower',
        figure: latencyFigure(figure, 99),
        baseline: latencyFigure(baseline, 99),
        baselineLabel: BASELINE,
      },
    ],
    notes: [
      `Load: ${INTAKE_LOAD.durationSeconds} s at ${INTAKE_LOAD.connections} connections (autocannon), the four webhook paths in turn, \`Authorization: Bearer\`, bodies as on DART's page, each a distinct event.`,
      `dart-slack: ${describeLoad(figure)}.`,
      `baseline: ${describeLoad(baseline)}.`,
      ...(available ? [`/healthz right after the load (outbox backlog while delivery catches up): \`${health}\`.`] : []),
    ],
  };
}

/** Where the app's CPU time goes under the same load, for when a figure is far from its baseline. */
export async function explain(bench: Bench): Promise<string[]> {
  const table = await profileApp(bench, 'webhook-intake', async (origin) => {
    await driveWebhooks(origin);
  });
  return [
    'Profile of the app in a child process (`node --cpu-prof`) under the same load, from its first request to its stop (start-up left out):',
    table,
  ];
}

/** The baseline: reads each request's body and answers 200, nothing else. */
async function startBareServer(): Promise<{ origin: string; stop(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
