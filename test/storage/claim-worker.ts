// Child process for the cross-process claim test: one app instance's share of the outbox
// work. It opens its own storage on the shared database (DATABASE_PATH or DATABASE_URL),
// stores EVENTS withdrawals of its own in small batches on two routes while it drains both
// channels, and prints one line per hold of a channel it had:
//   hold <route> <start> <end> <posted|failed> <id>…
// (start: once the claim answered; end: before the outcome is sent), and `intake-done` once
// its events are stored. It stops on a `stop` line on stdin.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertRoute } from '../../src/alerts/repository.ts';
import { parseWebhookBody } from '../../src/alerts/schemas.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { createLogger } from '../../src/util/logger.ts';

const worker = process.env.WORKER ?? '0';
const events = Number(process.env.EVENTS ?? '50');
const storage = await openStorage(
  { DATABASE_PATH: process.env.DATABASE_PATH ?? ':memory:', DATABASE_URL: process.env.DATABASE_URL, DATABASE_POOL_MAX: 4 },
  createLogger('warn'),
);
const withdrawal = JSON.parse(readFileSync(new URL('../fixtures/webhooks/withdrawal.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;
const clock = () => performance.timeOrigin + performance.now();
let stopping = false;
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'stop') stopping = true;
});

async function intake(): Promise<void> {
  for (let i = 0; i < events; ) {
    const batch = [];
    for (let size = 1 + (i % 3); size > 0 && i < events; size -= 1, i += 1) {
      const user = `w${worker}-${i}`;
      const parsed = parseWebhookBody('trade-script-withdrawal', { ...withdrawal, old_dart_user_name: user, new_dart_user_name: user });
      if (!parsed.ok) throw new Error(parsed.problem);
      batch.push({ event: parsed.event, route: (i % 2 === 0 ? 'alerts' : 'withdrawals') as AlertRoute, receivedAt: new Date() });
    }
    await storage.outbox.addAll(batch);
    await sleep(i % 4);
  }
  process.stdout.write('intake-done\n');
}

async function drain(route: AlertRoute): Promise<void> {
  const owner = `worker-${worker}-${route}`;
  for (let round = 0; !stopping; round += 1) {
    const claimed = await storage.outbox.claim({ routes: [route], owner, leaseMs: 600_000, limit: 1 + (round % 4) });
    if (claimed.length === 0) {
      await sleep(3);
      continue;
    }
    const start = clock();
    await sleep(round % 3);
    const ids = claimed.map((alert) => alert.id);
    // Now and then the "post" fails and the events go back, to be claimed again (by anyone).
    const failed = round % 7 === 6;
    process.stdout.write(`hold ${route} ${start} ${clock()} ${failed ? 'failed' : 'posted'} ${ids.join(' ')}\n`);
    if (failed) await storage.outbox.release(ids, owner, 'http_500');
    else await storage.outbox.markDelivered(ids, `ts-${worker}-${round}`, new Date());
  }
}

await Promise.all([intake(), drain('alerts'), drain('withdrawals')]);
await storage.close();
process.stdout.write('done\n');
