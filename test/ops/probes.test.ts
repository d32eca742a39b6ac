import { afterEach, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app/start.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createSlackStandin } from '../../src/sandbox/slack/standin.ts';
import { createLogger } from '../../src/util/logger.ts';
import { baseEnvironment, SECRETS, startHarness, type Harness } from '../support/harness.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()?.();
});

async function probe(url: string, path: string) {
  const response = await fetch(`${url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('probes', () => {
  it('while Slack is unreachable at start-up: /livez 200, /readyz 503; once Slack answers, /readyz 200', async () => {
    const slack = createSlackStandin({ botToken: SECRETS.botToken });
    await slack.start();
    cleanup.push(() => slack.stop());
    slack.setDown(true);
    const config = loadConfig({ ...baseEnvironment(), SLACK_API_URL: slack.apiUrl, LOG_LEVEL: 'silent' });
    const app = await startApp(config, { host: '127.0.0.1', logger: createLogger('silent') });
    cleanup.push(() => app.stop());
    expect(await probe(app.url, '/livez')).toEqual({ status: 200, body: { status: 'alive' } });
    expect(await probe(app.url, '/readyz')).toEqual({ status: 503, body: { status: 'starting' } });
    slack.setDown(false);
    await app.ready;
    expect(await probe(app.url, '/readyz')).toEqual({ status: 200, body: { status: 'ready' } });
    expect(await probe(app.url, '/livez')).toEqual({ status: 200, body: { status: 'alive' } });
  });

  it('/healthz names the database; /readyz says 503 once the database cannot be read, /livez stays 200', async () => {
    const h: Harness = await startHarness();
    cleanup.push(() => h.stop());
    expect(await probe(h.app.url, '/healthz')).toMatchObject({ status: 200, body: { status: 'ready', database: 'sqlite' } });
    // The database going away under a running app (a lost volume, say).
    await h.app.storage.close();
    expect(await probe(h.app.url, '/readyz')).toEqual({ status: 503, body: { status: 'database_unreachable' } });
    expect((await probe(h.app.url, '/livez')).status).toBe(200);
  });
});
