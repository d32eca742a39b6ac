import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/store/database.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
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

function request(overrides: Partial<NewTransfer> = {}) {
  return a.create({
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
}

describe('SqliteTransferStore', () => {
  it('lets exactly one of many moves to executing win, across connections', () => {
    const { id } = request();
    const winners = [a, b, a, b, a].map((store, index) =>
      store.startExecution(id, { kind: 'confirm', actor: 'U1', executor: `instance-${index}`, now: at(1) }),
    );
    expect(winners.filter(Boolean)).toHaveLength(1);
    expect(b.get(id)).toMatchObject({ state: 'executing', executor: 'instance-0', decidedBy: 'U1', version: 2 });
  });

  it('never moves an expired request, and expires it exactly once', () => {
    const { id } = request();
    expect(a.startExecution(id, { kind: 'confirm', actor: 'U1', executor: 'x', now: at(10) })).toBeUndefined();
    expect(a.cancel(id, 'U1', at(10))).toBeUndefined();
    expect(a.expire(id, at(9))).toBeUndefined();
    expect(a.expire(id, at(10))?.state).toBe('expired');
    expect(b.expire(id, at(11))).toBeUndefined();
    expect(b.expireDue(at(12))).toEqual([]);
  });

  it('enforces who may confirm and who may approve', () => {
    const small = request();
    const large = request({ needsApproval: true, amount: '1500.00' });
    const move = (kind: 'confirm' | 'approve', actor: string) => ({ kind, actor, executor: 'x', now: at(1) });
    expect(a.startExecution(small.id, move('confirm', 'U2'))).toBeUndefined();
    expect(a.startExecution(small.id, move('approve', 'U2'))).toBeUndefined();
    expect(a.startExecution(large.id, move('confirm', 'U1'))).toBeUndefined();
    expect(a.startExecution(large.id, move('approve', 'U1'))).toBeUndefined();
    expect(a.startExecution(large.id, move('approve', 'U2'))?.decidedBy).toBe('U2');
    expect(a.startExecution(small.id, move('confirm', 'U1'))?.decidedBy).toBe('U1');
  });

  it('lets a cancel and a confirm race to one winner', () => {
    const { id } = request();
    expect(a.cancel(id, 'U2', at(1))?.state).toBe('cancelled');
    expect(b.startExecution(id, { kind: 'confirm', actor: 'U1', executor: 'x', now: at(1) })).toBeUndefined();
  });

  it('records an outcome only for the executor that made the call', () => {
    const { id } = request();
    a.startExecution(id, { kind: 'confirm', actor: 'U1', executor: 'mine', now: at(1) });
    expect(b.finish(id, 'theirs', 'succeeded', 'ok', at(2))).toBeUndefined();
    expect(a.finish(id, 'mine', 'succeeded', 'ok', at(2))).toMatchObject({ state: 'succeeded', detail: 'ok' });
    expect(a.finish(id, 'mine', 'failed', 'again', at(3))).toBeUndefined();
  });

  it('takes executions for abandoned only once their lease has run out, and only once', () => {
    const { id } = request();
    a.startExecution(id, { kind: 'confirm', actor: 'U1', executor: 'gone', now: at(1) });
    expect(b.abandonExecutions(at(0), 'stopped', at(2))).toEqual([]);
    expect(b.abandonExecutions(at(1), 'stopped', at(2)).map((t) => t.state)).toEqual(['unknown']);
    expect(a.abandonExecutions(at(5), 'stopped', at(6))).toEqual([]);
    // The executor, if it was only slow, may still record what DART answered.
    expect(a.finish(id, 'gone', 'succeeded', 'ok', at(7))?.state).toBe('succeeded');
  });

  it('lists messages that lag behind, once left alone for a while', () => {
    const { id } = request();
    a.attachMessage(id, 'C1', '1.1');
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
    a.attachMessage(posted.id, 'C1', '1.1');
    a.discard(posted.id);
    expect(a.get(posted.id)).toBeDefined();
    const unposted = request();
    a.discard(unposted.id);
    expect(a.get(unposted.id)).toBeUndefined();
  });
});
