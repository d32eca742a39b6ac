import { beforeEach, describe, expect, it } from 'vitest';
import { executionRules, type ExecutionRule } from '../../src/transfers/execution-rules.ts';
import type { NewTransfer, TransferRepository } from '../../src/transfers/repository.ts';
import { databasePerTest, type NewTestDatabase } from './contracts.ts';
import { at, message, move, request as requestOn, t0 } from './transfer-fixtures.ts';
import { treasuryContract } from './treasury.contract.ts';

const policy = (max: bigint, approval: bigint, confirmMinutes = 10) => ({
  limits: { maxCents: max, approvalCents: approval, secondApprovalCents: undefined, dailyCents: undefined, dailyTotalCents: undefined },
  confirmMinutes,
});

export function transferContract(newDatabase: NewTestDatabase): void {
  // Two handles on one database stand for two app instances: each move must win on exactly one.
  describe('TransferRepository', () => {
    const database = databasePerTest(newDatabase);
    let a: TransferRepository;
    let b: TransferRepository;
    beforeEach(async () => {
      a = (await database.open()).transfers;
      b = (await database.open()).transfers;
    });

    const request = (overrides: Partial<NewTransfer> = {}, posted = true) => requestOn(a, overrides, posted);

    it('reads a request back as created, amount canonical, optional fields absent until set', async () => {
      const id = crypto.randomUUID();
      const created = await a.create({
        id,
        customer: 'billyjoel',
        customerName: 'Billy Joel',
        amount: '1,234.5',
        needsApproval: true,
        requestedBy: 'U1',
        requestedAt: t0,
        expiresAt: at(10),
      });
      const expected = {
        id,
        customer: 'billyjoel',
        customerName: 'Billy Joel',
        amount: '1234.50',
        needsApproval: true,
        secondApproval: false,
        state: 'requested',
        requestedBy: 'U1',
        requestedAt: t0,
        expiresAt: at(10),
        version: 1,
        shownVersion: 0,
        updatedAt: t0,
      };
      expect(created).toEqual(expected);
      expect(await b.get(id)).toEqual(expected);
      expect(await b.attachMessage(id, 'C1', '1.1')).toEqual({ ...expected, channel: 'C1', messageTs: '1.1', shownVersion: 1 });
      expect(await a.attachMessage(id, 'C1', '2.2')).toBeUndefined();
      expect(await a.get('no-such-transfer')).toBeUndefined();
    });

    it('finds a transfer by its recorded message, and nothing for a message it never recorded', async () => {
      const posted = await request();
      await request({}, false);
      expect((await b.findByMessage(message.channel, message.ts))?.id).toBe(posted.id);
      expect(await b.findByMessage(message.channel, '9.9')).toBeUndefined();
      expect(await b.findByMessage('C2', message.ts)).toBeUndefined();
    });

    it('lets exactly one of many concurrent moves to executing win, across handles', async () => {
      const { id } = await request();
      const winners = await Promise.all(
        [a, b, a, b, a].map((repository, index) => repository.startExecution(id, move('confirm', 'U1', 1, `instance-${index}`), [])),
      );
      expect(winners.filter(Boolean)).toHaveLength(1);
      const winner = winners.find(Boolean)!;
      expect(await b.get(id)).toMatchObject({
        state: 'executing',
        executor: winner.executor,
        decidedBy: 'U1',
        decidedAt: at(1),
        version: 2,
      });
    });

    it('never moves an expired request, and expires it exactly once', async () => {
      const { id } = await request();
      expect(await a.startExecution(id, move('confirm', 'U1', 10), [])).toBeUndefined();
      expect(await a.cancel(id, 'U1', at(10))).toBeUndefined();
      expect(await a.expire(id, at(9))).toBeUndefined();
      expect(await a.expire(id, at(10))).toMatchObject({ state: 'expired', decidedAt: at(10) });
      expect(await b.expire(id, at(11))).toBeUndefined();
      expect(await b.expireDue(at(12))).toEqual([]);
    });

    it('expires every due request at once, and only those', async () => {
      const due = await request();
      const later = await request({ expiresAt: at(30) });
      expect((await b.expireDue(at(10))).map((t) => t.id)).toEqual([due.id]);
      expect((await b.get(later.id))?.state).toBe('requested');
    });

    it('enforces who may confirm and who may approve', async () => {
      const small = await request();
      const large = await request({ needsApproval: true, amount: '1500.00' });
      expect(await a.startExecution(small.id, move('confirm', 'U2'), [])).toBeUndefined();
      expect(await a.startExecution(small.id, move('approve', 'U2'), [])).toBeUndefined();
      expect(await a.startExecution(large.id, move('confirm', 'U1'), [])).toBeUndefined();
      expect(await a.startExecution(large.id, move('approve', 'U1'), [])).toBeUndefined();
      expect((await a.startExecution(large.id, move('approve', 'U2'), []))?.decidedBy).toBe('U2');
      expect((await a.startExecution(small.id, move('confirm', 'U1'), []))?.decidedBy).toBe('U1');
    });

    it('lets a cancel and a confirm race to one winner', async () => {
      const { id } = await request();
      const [cancelled, started] = await Promise.all([a.cancel(id, 'U2', at(1)), b.startExecution(id, move('confirm', 'U1'), [])]);
      expect([cancelled, started].filter(Boolean)).toHaveLength(1);
      expect(await a.cancel(id, 'U2', at(1))).toBeUndefined();
    });

    it('keeps amounts of 2^53 cents and more exact, one by one and summed', async () => {
      const { id } = await request({ amount: '90071992547409.93' });
      expect((await b.get(id))?.amount).toBe('90071992547409.93');
      await a.startExecution(id, move('confirm', 'U1'), []);
      const second = await request({ amount: '90071992547409.93' });
      await a.startExecution(second.id, move('confirm', 'U1'), []);
      expect((await b.spentSince(t0, ['billyjoel'])).cents).toBe(18014398509481986n);
      expect((await b.expireDue(at(60))).length).toBe(0);
    });

    it('records an outcome only for the executor that made the call', async () => {
      const { id } = await request();
      await a.startExecution(id, move('confirm', 'U1', 1, 'mine'), []);
      expect(await b.finish(id, 'theirs', 'succeeded', 'ok', at(2))).toBeUndefined();
      expect(await a.finish(id, 'mine', 'succeeded', 'ok', at(2))).toMatchObject({
        state: 'succeeded',
        detail: 'ok',
        finishedAt: at(2),
        version: 3,
      });
      expect(await a.finish(id, 'mine', 'failed', 'again', at(3))).toBeUndefined();
    });

    it('takes executions for abandoned only once their lease has run out, and only once', async () => {
      const { id } = await request();
      await a.startExecution(id, move('confirm', 'U1', 1, 'gone'), []);
      // The lease is a duration measured on the store's clock: ten minutes have not passed by any clock.
      expect(await b.abandonExecutions(600_000, 'stopped', at(2))).toEqual([]);
      expect((await b.abandonExecutions(0, 'stopped', at(2))).map((t) => [t.state, t.detail])).toEqual([['unknown', 'stopped']]);
      expect(await a.abandonExecutions(0, 'stopped', at(6))).toEqual([]);
      // The executor, if it was only slow, may still record what DART answered.
      expect((await a.finish(id, 'gone', 'succeeded', 'ok', at(7)))?.state).toBe('succeeded');
    });

    it('never lets a late answer overwrite a resolution: it is kept beside it, once', async () => {
      const { id } = await request();
      await a.startExecution(id, move('confirm', 'U1', 1, 'slow'), []);
      await b.abandonExecutions(0, 'stopped', at(2));
      const resolution = { outcome: 'not_sent' as const, by: 'U3', at: at(3), note: 'nothing in DART' };
      await b.resolve(id, resolution);
      const late = await a.finish(id, 'slow', 'succeeded', 'tx 42', at(4));
      expect(late).toMatchObject({ state: 'unknown', resolution, lateAnswer: { outcome: 'succeeded', detail: 'tx 42', at: at(4) } });
      expect(await a.finish(id, 'slow', 'failed', 'again', at(5))).toBeUndefined();
      expect(await b.finish(id, 'other', 'succeeded', 'x', at(5))).toBeUndefined();
      expect(await b.get(id)).toEqual(late);
    });

    it('lists messages that lag behind, once left alone for a while, and counts what is pending', async () => {
      const { id } = await request();
      await request({}, false);
      expect(await a.countPending()).toBe(2);
      expect(await a.withStaleMessages(at(60))).toEqual([]);
      const cancelled = await a.cancel(id, 'U1', at(1));
      expect(await b.countPending()).toBe(1);
      expect(await a.withStaleMessages(at(0))).toEqual([]);
      expect((await a.withStaleMessages(at(1))).map((t) => t.id)).toEqual([id]);
      await a.markShown(id, cancelled!.version);
      await a.markShown(id, 1); // a late, older update never moves it back
      expect(await a.withStaleMessages(at(60))).toEqual([]);
      expect((await a.get(id))?.shownVersion).toBe(cancelled!.version);
    });

    it('discards only a request whose message was never posted', async () => {
      const posted = await request();
      await a.discard(posted.id);
      expect(await a.get(posted.id)).toBeDefined();
      const unposted = await request({}, false);
      await a.discard(unposted.id);
      expect(await a.get(unposted.id)).toBeUndefined();
    });

    it('moves to executing only from the message recorded for the transfer', async () => {
      const unposted = await request({}, false);
      const from = (ts: string) => ({ ...move('confirm', 'U1'), message: { channel: 'C1', ts } });
      expect(await a.startExecution(unposted.id, from('1.1'), [])).toBeUndefined();
      expect(await a.voidUnposted(unposted.id, 'Slack did not confirm the post', at(1))).toMatchObject({
        state: 'void',
        detail: 'Slack did not confirm the post',
      });
      // Slack's late answer cannot revive it: the message is recorded, the row stays void.
      expect((await a.attachMessage(unposted.id, 'C1', '1.1'))?.state).toBe('void');
      expect(await a.startExecution(unposted.id, from('1.1'), [])).toBeUndefined();
      const posted = await request();
      expect(await a.voidUnposted(posted.id, 'late', at(1))).toBeUndefined();
      expect(await a.startExecution(posted.id, from('9.9'), [])).toBeUndefined();
      expect((await b.startExecution(posted.id, from('1.1'), []))?.state).toBe('executing');
    });

    it('applies today’s limits in the move, in exact cents, and refuses only on a rule that fails', async () => {
      const { id } = await request({ amount: '900.01' });
      const [maxRule, approvalRule] = executionRules(policy(900_00n, 100_00n));
      expect(await a.startExecution(id, move('confirm', 'U1'), executionRules(policy(900_00n, 900_00n)))).toBeUndefined();
      expect(await a.refuse(id, executionRules(policy(900_01n, 900_01n))[0]!, 'U1', at(1))).toBeUndefined();
      expect(await a.refuse(id, maxRule!, 'U1', at(1))).toMatchObject({ state: 'refused', decidedBy: 'U1', detail: maxRule!.refusal });
      expect(await b.refuse(id, approvalRule!, 'U1', at(1))).toBeUndefined();
      const exact = await request({ amount: '900.01' });
      expect((await a.startExecution(exact.id, move('confirm', 'U1'), executionRules(policy(900_01n, 900_02n))))?.state).toBe('executing');
    });

    it('applies the approval threshold to a transfer requested for its requester alone', async () => {
      const rule = (cents: bigint): ExecutionRule[] => [{ check: { kind: 'approval_threshold', cents }, refusal: 'threshold' }];
      const alone = await request({ amount: '500.00' });
      expect(await a.startExecution(alone.id, move('confirm', 'U1'), rule(500_00n))).toBeUndefined();
      expect(await a.refuse(alone.id, rule(500_01n)[0]!, 'U1', at(1))).toBeUndefined();
      const approved = await request({ amount: '500.00', needsApproval: true });
      expect((await a.startExecution(approved.id, move('approve', 'U2'), rule(100_00n)))?.state).toBe('executing');
    });

    it('applies the confirmation window to the move’s own time', async () => {
      const window = (minutes: number): ExecutionRule[] => [
        { check: { kind: 'confirm_window', ms: minutes * 60_000 }, refusal: 'too old' },
      ];
      const { id } = await request();
      expect(await a.startExecution(id, move('confirm', 'U1', 5), window(5))).toBeUndefined();
      expect(await a.refuse(id, window(6)[0]!, 'U1', at(5))).toBeUndefined();
      expect(await a.refuse(id, window(5)[0]!, 'U1', at(5))).toMatchObject({ state: 'refused', detail: 'too old' });
      const fresh = await request();
      expect((await a.startExecution(fresh.id, move('confirm', 'U1', 5), window(6)))?.state).toBe('executing');
    });

    treasuryContract(() => ({ a, b }));
  });
}
