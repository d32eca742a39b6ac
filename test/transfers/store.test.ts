import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/store/database.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { executionRules } from '../../src/transfers/execution-rules.ts';
import { SqliteTransferStore, type NewTransfer } from '../../src/transfers/store.ts';

// Two connections to one file stand for two app instances: each move must win on exactly one.
let directory: string;
let first: Database;
let second: Database;
let a: SqliteTransferStore;
let b: SqliteTransferStore;
const t0 = new Date('2025-03-03T09:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'transfer-store-'));
  first = new Database(join(directory, 'shared.db'));
  first.migrate(MIGRATIONS);
  second = new Database(join(directory, 'shared.db'));
  second.migrate(MIGRATIONS);
  a = new SqliteTransferStore(first);
  b = new SqliteTransferStore(second);
});
afterEach(() => {
  first.close();
  second.close();
  rmSync(directory, { recursive: true, force: true });
});

/** Where every test transfer's confirmation is posted. */
const message = { channel: 'C1', ts: '1.1' };

/** A request whose confirmation is posted (recorded) unless `posted` is false. */
function request(overrides: Partial<NewTransfer> = {}, posted = true) {
  const created = a.create({
    id: crypto.randomUUID(),
    customer: 'billyjoel',
    customerName: 'Billy Joel',
    amount: '50.00',
    needsApproval: false,
    requestedBy: 'U1',
    requestedAt: t0,
    expiresAt: at(10),
    ...overrides,
  });
  return (posted && a.attachMessage(created.id, message.channel, message.ts)) || created;
}

describe('SqliteTransferStore', () => {
  it('lets exactly one of many moves to executing win, across connections', () => {
    const { id } = request();
    const winners = [a, b, a, b, a].map((store, index) =>
      store.startExecution(id, { kind: 'confirm', actor: 'U1', executor: `instance-${index}`, now: at(1), message }, []),
    );
    expect(winners.filter(Boolean)).toHaveLength(1);
    expect(b.get(id)).toMatchObject({ state: 'executing', executor: 'instance-0', decidedBy: 'U1', version: 2 });
  });

  it('never moves an expired request, and expires it exactly once', () => {
    const { id } = request();
    expect(a.startExecution(id, { kind: 'confirm', actor: 'U1', executor: 'x', now: at(10), message }, [])).toBeUndefined();
    expect(a.cancel(id, 'U1', at(10))).toBeUndefined();
    expect(a.expire(id, at(9))).toBeUndefined();
    expect(a.expire(id, at(10))?.state).toBe('expired');
    expect(b.expire(id, at(11))).toBeUndefined();
    expect(b.expireDue(at(12))).toEqual([]);
  });

  it('enforces who may confirm and who may approve', () => {
    const small = request();
    const large = request({ needsApproval: true, amount: '1500.00' });
    const move = (kind: 'confirm' | 'approve', actor: string) => ({ kind, actor, executor: 'x', now: at(1), message });
    expect(a.startExecution(small.id, move('confirm', 'U2'), [])).toBeUndefined();
    expect(a.startExecution(small.id, move('approve', 'U2'), [])).toBeUndefined();
    expect(a.startExecution(large.id, move('confirm', 'U1'), [])).toBeUndefined();
    expect(a.startExecution(large.id, move('approve', 'U1'), [])).toBeUndefined();
    expect(a.startExecution(large.id, move('approve', 'U2'), [])?.decidedBy).toBe('U2');
    expect(a.startExecution(small.id, move('confirm', 'U1'), [])?.decidedBy).toBe('U1');
  });

  it('lets a cancel and a confirm race to one winner', () => {
    const { id } = request();
    expect(a.cancel(id, 'U2', at(1))?.state).toBe('cancelled');
    expect(b.startExecution(id, { kind: 'confirm', actor: 'U1', executor: 'x', now: at(1), message }, [])).toBeUndefined();
  });

  it('records an outcome only for the executor that made the call', () => {
    const { id } = request();
    a.startExecution(id, { kind: 'confirm', actor: 'U1', executor: 'mine', now: at(1), message }, []);
    expect(b.finish(id, 'theirs', 'succeeded', 'ok', at(2))).toBeUndefined();
    expect(a.finish(id, 'mine', 'succeeded', 'ok', at(2))).toMatchObject({ state: 'succeeded', detail: 'ok' });
    expect(a.finish(id, 'mine', 'failed', 'again', at(3))).toBeUndefined();
  });

  it('takes executions for abandoned only once their lease has run out, and only once', () => {
    const { id } = request();
    a.startExecution(id, { kind: 'confirm', actor: 'U1', executor: 'gone', now: at(1), message }, []);
    expect(b.abandonExecutions(at(0), 'stopped', at(2))).toEqual([]);
    expect(b.abandonExecutions(at(1), 'stopped', at(2)).map((t) => t.state)).toEqual(['unknown']);
    expect(a.abandonExecutions(at(5), 'stopped', at(6))).toEqual([]);
    // The executor, if it was only slow, may still record what DART answered.
    expect(a.finish(id, 'gone', 'succeeded', 'ok', at(7))?.state).toBe('succeeded');
  });

  it('lists messages that lag behind, once left alone for a while', () => {
    const { id } = request();
    expect(a.withStaleMessages(at(60))).toEqual([]);
    const cancelled = a.cancel(id, 'U1', at(1));
    expect(a.withStaleMessages(at(0))).toEqual([]);
    expect(a.withStaleMessages(at(1)).map((t) => t.id)).toEqual([id]);
    a.markShown(id, cancelled!.version);
    a.markShown(id, 1); // a late, older update never moves it back
    expect(a.withStaleMessages(at(60))).toEqual([]);
  });

  it('discards only a request whose message was never posted', () => {
    const posted = request();
    a.discard(posted.id);
    expect(a.get(posted.id)).toBeDefined();
    const unposted = request({}, false);
    a.discard(unposted.id);
    expect(a.get(unposted.id)).toBeUndefined();
  });

  it('moves to executing only from the message recorded for the transfer', () => {
    const unposted = request({}, false);
    const move = (ts: string) => ({ kind: 'confirm' as const, actor: 'U1', executor: 'x', now: at(1), message: { channel: 'C1', ts } });
    expect(a.startExecution(unposted.id, move('1.1'), [])).toBeUndefined();
    expect(a.voidUnposted(unposted.id, 'Slack did not confirm the post', at(1))?.state).toBe('void');
    // Slack's late answer cannot revive it: the message is recorded, the row stays void.
    expect(a.attachMessage(unposted.id, 'C1', '1.1')?.state).toBe('void');
    expect(a.startExecution(unposted.id, move('1.1'), [])).toBeUndefined();
    const posted = request();
    expect(a.voidUnposted(posted.id, 'late', at(1))).toBeUndefined();
    expect(a.startExecution(posted.id, move('9.9'), [])).toBeUndefined();
    expect(b.startExecution(posted.id, move('1.1'), [])?.state).toBe('executing');
  });

  it('applies today’s limits in the move, in exact cents, and refuses only on a rule that fails', () => {
    const policy = (max: bigint, approval: bigint) => ({ limits: { maxCents: max, approvalCents: approval }, confirmMinutes: 10 });
    const move = { kind: 'confirm' as const, actor: 'U1', executor: 'x', now: at(1), message };
    const { id } = request({ amount: '900.01' });
    const [maxRule, approvalRule] = executionRules(policy(900_00n, 100_00n), at(1));
    expect(a.startExecution(id, move, executionRules(policy(900_00n, 900_00n), at(1)))).toBeUndefined();
    expect(a.refuse(id, executionRules(policy(900_01n, 900_01n), at(1))[0]!, 'U1', at(1))).toBeUndefined();
    expect(a.refuse(id, maxRule!, 'U1', at(1))).toMatchObject({ state: 'refused', decidedBy: 'U1', detail: maxRule!.refusal });
    expect(b.refuse(id, approvalRule!, 'U1', at(1))).toBeUndefined();
    const exact = request({ amount: '900.01' });
    expect(a.startExecution(exact.id, move, executionRules(policy(900_01n, 900_02n), at(1)))?.state).toBe('executing');
  });

  it('keeps transfers stored before amounts were kept in cents, and compares them exactly', () => {
    const old = new Database(join(directory, 'old.db'));
    old.migrate(MIGRATIONS.filter((migration) => migration.name !== 'transfers-002-void-refused-cents'));
    old.sqlite
      .prepare(
        `INSERT INTO transfers (id, customer, customer_name, amount, needs_approval, state, requested_by, requested_at, expires_at, channel, message_ts, updated_at)
         VALUES ('t1', 'billyjoel', 'Billy Joel', '1234.56', 1, 'requested', 'U1', ?, ?, 'C1', '1.1', ?)`,
      )
      .run(t0.getTime(), at(10).getTime(), t0.getTime());
    old.migrate(MIGRATIONS);
    expect(old.sqlite.prepare('SELECT amount_cents FROM transfers').get()).toEqual({ amount_cents: 123456 });
    old.close();
  });
});
