import { beforeEach, describe, expect, it } from 'vitest';
import { DAILY_WINDOW_MS, type ExecutionRule } from '../../src/transfers/execution-rules.ts';
import type { NewTransfer, TransferRepository } from '../../src/transfers/repository.ts';
import { at, move, request as requestOn, t0 } from './transfer-fixtures.ts';

const daily = (scope: 'customer' | 'total', cents: bigint): ExecutionRule => ({
  check: { kind: 'daily_limit', scope, cents, windowMs: DAILY_WINDOW_MS },
  refusal: `daily ${scope}`,
});
const notFrozen: ExecutionRule = { check: { kind: 'not_frozen' }, refusal: 'frozen' };

/**
 * The treasury controls' part of `TransferRepository`: the first of two approvals, the
 * resolution of unknown outcomes, what needs someone, what counts toward the daily limits,
 * the freeze, and the rules that read other rows inside the one move to executing. Run
 * inside `transferContract`, on its two handles of one database.
 */
export function treasuryContract(handles: () => { a: TransferRepository; b: TransferRepository }): void {
  describe('treasury controls', () => {
    let a: TransferRepository;
    let b: TransferRepository;
    beforeEach(() => ({ a, b } = handles()));

    const request = (overrides: Partial<NewTransfer> = {}) => requestOn(a, overrides);

    /** A transfer that went to DART and whose outcome is `outcome`, started `minutes` after t0. */
    async function executed(amount: string, outcome: 'succeeded' | 'failed' | 'unknown', minutes = 1, customer = 'billyjoel') {
      const { id } = await request({ amount, customer, requestedAt: at(minutes - 1), expiresAt: at(minutes + 10) });
      await a.startExecution(id, move('confirm', 'U1', minutes), []);
      return a.finish(id, 'x', outcome, 'answer', at(minutes));
    }

    it('two approvers: the first approval is recorded once, and only a second, different one (not the requester) executes', async () => {
      const { id } = await request({ amount: '6000.00', needsApproval: true, secondApproval: true });
      expect((await a.get(id))?.secondApproval).toBe(true);
      expect(await a.addApproval(id, move('approve', 'U1'), [])).toBeUndefined();
      expect(await a.startExecution(id, move('approve', 'U2'), [])).toBeUndefined();
      const firsts = await Promise.all([a.addApproval(id, move('approve', 'U2'), []), b.addApproval(id, move('approve', 'U3'), [])]);
      expect(firsts.filter(Boolean)).toHaveLength(1);
      const first = firsts.find(Boolean)!;
      expect(first).toMatchObject({ state: 'requested', approvedBy: expect.any(String), approvedAt: at(1), version: 2 });
      const approver = first.approvedBy!;
      const other = approver === 'U2' ? 'U3' : 'U2';
      expect(await b.startExecution(id, move('approve', approver), [])).toBeUndefined();
      expect(await b.startExecution(id, move('approve', 'U1'), [])).toBeUndefined();
      const seconds = await Promise.all([
        a.startExecution(id, move('approve', other), []),
        b.startExecution(id, move('approve', other, 1, 'y'), []),
      ]);
      expect(seconds.filter(Boolean)).toHaveLength(1);
      expect(seconds.find(Boolean)).toMatchObject({ state: 'executing', approvedBy: approver, decidedBy: other });
    });

    it('refuses a transfer whose requester or first approver is among those no longer treasurers, inside the move', async () => {
      const gone = (...users: string[]): ExecutionRule => ({ check: { kind: 'not_acted_by', users }, refusal: 'no longer a treasurer' });
      const requested = await request({ amount: '1500.00', needsApproval: true });
      expect(await a.startExecution(requested.id, move('approve', 'U2'), [gone('U1')])).toBeUndefined();
      expect(await b.refuse(requested.id, gone('U9'), 'U2', at(1))).toBeUndefined();
      expect(await b.refuse(requested.id, gone('U1'), 'U2', at(1))).toMatchObject({ state: 'refused', detail: 'no longer a treasurer' });
      const approved = await request({ amount: '6000.00', needsApproval: true, secondApproval: true });
      await a.addApproval(approved.id, move('approve', 'U2'), []);
      expect(await a.startExecution(approved.id, move('approve', 'U3'), [gone('U2')])).toBeUndefined();
      expect((await b.startExecution(approved.id, move('approve', 'U3'), [gone('U9', 'U8')]))?.state).toBe('executing');
      const unapproved = await request({ amount: '1500.00', needsApproval: true });
      expect((await a.startExecution(unapproved.id, move('approve', 'U2'), [gone()]))?.state).toBe('executing');
    });

    it('a transfer needing one approver takes no first approval', async () => {
      const { id } = await request({ amount: '1500.00', needsApproval: true });
      expect(await a.addApproval(id, move('approve', 'U2'), [])).toBeUndefined();
      expect((await a.startExecution(id, move('approve', 'U2'), []))?.state).toBe('executing');
    });

    it('refuses a transfer requested with one approver once two are needed', async () => {
      const rule: ExecutionRule = { check: { kind: 'second_approval_threshold', cents: 1000_00n }, refusal: 'two now' };
      const one = await request({ amount: '1500.00', needsApproval: true });
      expect(await a.startExecution(one.id, move('approve', 'U2'), [rule])).toBeUndefined();
      expect(await a.refuse(one.id, rule, 'U2', at(1))).toMatchObject({ state: 'refused', detail: 'two now' });
      const two = await request({ amount: '1500.00', needsApproval: true, secondApproval: true });
      expect(await a.addApproval(two.id, move('approve', 'U2'), [rule])).toBeTruthy();
      expect((await a.startExecution(two.id, move('approve', 'U3'), [rule]))?.state).toBe('executing');
    });

    it('resolves an unknown outcome once; nothing else moves it', async () => {
      const unknown = (await executed('70.00', 'unknown'))!;
      const requested = await request();
      expect(await a.resolve(requested.id, { outcome: 'sent', by: 'U2', at: at(2), note: 'n' })).toBeUndefined();
      const results = await Promise.all([
        a.resolve(unknown.id, { outcome: 'sent', by: 'U2', at: at(2), note: 'seen in DART' }),
        b.resolve(unknown.id, { outcome: 'not_sent', by: 'U3', at: at(2), note: 'not in DART' }),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const resolved = results.find(Boolean)!;
      expect(resolved.state).toBe('unknown');
      expect(resolved.version).toBe(unknown.version + 1);
      expect(await b.get(unknown.id)).toEqual(resolved);
      expect(resolved.resolution).toEqual(
        resolved.resolution?.by === 'U2'
          ? { outcome: 'sent', by: 'U2', at: at(2), note: 'seen in DART' }
          : { outcome: 'not_sent', by: 'U3', at: at(2), note: 'not in DART' },
      );
    });

    it('lists what needs someone: posted requests not expired and unresolved unknowns, oldest first', async () => {
      const unknown = (await executed('70.00', 'unknown', 1))!;
      await executed('20.00', 'succeeded', 2);
      const waiting = await request({ requestedAt: at(3), expiresAt: at(13) });
      await request({ requestedAt: at(4), expiresAt: at(5) });
      const unposted = await a.create({
        id: crypto.randomUUID(),
        customer: 'grace',
        customerName: 'Grace',
        amount: '1.00',
        needsApproval: false,
        requestedBy: 'U1',
        requestedAt: at(3),
        expiresAt: at(20),
      });
      expect((await b.needingAttention(at(6))).map((transfer) => transfer.id)).toEqual([unknown.id, waiting.id]);
      expect((await b.needingAttention(at(6))).map((transfer) => transfer.id)).not.toContain(unposted.id);
      await a.resolve(unknown.id, { outcome: 'not_sent', by: 'U2', at: at(6), note: 'n' });
      expect((await b.needingAttention(at(6))).map((transfer) => transfer.id)).toEqual([waiting.id]);
    });

    it('lists at most 40 needing attention but counts them all, and returns every waiting confirmation', async () => {
      const posted: Array<{ id: string }> = [];
      for (let index = 0; index < 45; index++) posted.push(await request({ requestedAt: at(index / 100) }));
      expect(await b.needingAttention(at(1))).toHaveLength(40);
      expect(await b.countNeedingAttention(at(1))).toBe(45);
      expect((await b.waiting(at(1))).map((transfer) => transfer.id)).toEqual(posted.map((transfer) => transfer.id));
      expect(await b.waiting(at(11))).toEqual([]);
      expect(await b.countNeedingAttention(at(11))).toBe(0);
    });

    it('counts executing, succeeded and unresolved or sent unknowns toward the daily limits, by when they started', async () => {
      await executed('10.00', 'succeeded', 1);
      await executed('20.00', 'unknown', 2);
      await executed('40.00', 'failed', 3);
      const marked = (await executed('80.00', 'unknown', 4))!;
      await executed('5.00', 'succeeded', 5, 'adaline');
      const running = await request({ amount: '0.50', requestedAt: at(5), expiresAt: at(20) });
      await a.startExecution(running.id, move('confirm', 'U1', 6), []);
      expect(await b.spentSince(t0, ['billyjoel'])).toEqual({ cents: 110_50n, oldest: at(1) });
      await a.resolve(marked.id, { outcome: 'not_sent', by: 'U2', at: at(7), note: 'n' });
      expect(await b.spentSince(t0, ['billyjoel'])).toEqual({ cents: 30_50n, oldest: at(1) });
      expect(await b.spentSince(t0)).toEqual({ cents: 35_50n, oldest: at(1) });
      expect(await b.spentSince(at(1), ['billyjoel'])).toEqual({ cents: 20_50n, oldest: at(2) });
      expect(await b.spentSince(at(10), ['billyjoel'])).toEqual({ cents: 0n });
    });

    it('counts what went to every user name linked to the customer, in the sum and inside the move', async () => {
      await executed('60.00', 'succeeded', 1, 'billyjoel');
      await executed('7.00', 'succeeded', 1, 'adaline');
      expect(await b.spentSince(t0, ['billy', 'billyjoel'])).toEqual({ cents: 60_00n, oldest: at(1) });
      const renamed = (customers: string[]): ExecutionRule => ({
        check: { kind: 'daily_limit', scope: 'customer', cents: 100_00n, windowMs: DAILY_WINDOW_MS, customers },
        refusal: 'daily customer',
      });
      const { id } = await request({ amount: '60.00', customer: 'billy', requestedAt: at(1), expiresAt: at(20) });
      expect(await a.startExecution(id, move('confirm', 'U1', 2), [renamed(['billy', 'billyjoel'])])).toBeUndefined();
      expect(await b.refuse(id, renamed(['billy']), 'U1', at(2))).toBeUndefined();
      expect(await b.refuse(id, renamed(['billy', 'billyjoel']), 'U1', at(2))).toMatchObject({ state: 'refused' });
      const other = await request({ amount: '60.00', customer: 'billy', requestedAt: at(1), expiresAt: at(20) });
      expect((await a.startExecution(other.id, move('confirm', 'U1', 2), [renamed(['adaline'])]))?.state).toBe('executing');
    });

    it('two moves that each fit a daily limit but together exceed it: exactly one executes, across handles', async () => {
      // The total round also counts the 60.00 the customer round sent.
      for (const [scope, limit] of [
        ['customer', 100_00n],
        ['total', 160_00n],
      ] as const) {
        const first = await request({ amount: '60.00', customer: scope === 'customer' ? 'billyjoel' : 'adaline' });
        const second = await request({ amount: '60.00', customer: scope === 'customer' ? 'billyjoel' : 'grace' });
        const moves = await Promise.all([
          a.startExecution(first.id, move('confirm', 'U1'), [daily(scope, limit)]),
          b.startExecution(second.id, move('confirm', 'U1'), [daily(scope, limit)]),
        ]);
        expect(moves.filter(Boolean)).toHaveLength(1);
        const loser = moves[0] ? second : first;
        expect(await a.refuse(loser.id, daily(scope, limit + 20_00n), 'U1', at(1))).toBeUndefined();
        expect(await a.refuse(loser.id, daily(scope, limit), 'U1', at(1))).toMatchObject({ state: 'refused', detail: `daily ${scope}` });
      }
      // A day after the first started, it no longer counts.
      const later = await request({ amount: '100.00', requestedAt: at(24 * 60), expiresAt: at(24 * 60 + 10) });
      expect(await a.startExecution(later.id, move('confirm', 'U1', 24 * 60 + 1), [daily('customer', 100_00n)])).toBeTruthy();
    });

    it('freezes once, lifts only by someone else, and the freeze stops every move to executing and every first approval', async () => {
      expect(await a.currentFreeze()).toBeUndefined();
      const freezes = await Promise.all([
        a.freeze({ by: 'U1', at: at(1), reason: 'audit' }),
        b.freeze({ by: 'U2', at: at(1), reason: 'fraud' }),
      ]);
      expect(freezes.filter(Boolean)).toHaveLength(1);
      const freeze = freezes.find(Boolean)!;
      expect(await b.currentFreeze()).toEqual(freeze);
      const small = await request();
      const large = await request({ amount: '6000.00', needsApproval: true, secondApproval: true });
      expect(await b.startExecution(small.id, move('confirm', 'U1'), [notFrozen])).toBeUndefined();
      expect(await b.addApproval(large.id, move('approve', 'U3'), [notFrozen])).toBeUndefined();
      expect(await a.unfreeze(freeze.by, at(2))).toBeUndefined();
      expect(await b.unfreeze('U9', at(2))).toEqual(freeze);
      expect(await a.unfreeze('U9', at(2))).toBeUndefined();
      expect(await a.currentFreeze()).toBeUndefined();
      expect((await a.startExecution(small.id, move('confirm', 'U1', 3), [notFrozen]))?.state).toBe('executing');
      expect(await a.freeze({ by: 'U2', at: at(4), reason: 'again' })).toEqual({ by: 'U2', at: at(4), reason: 'again' });
    });

    it('restores settled transfers exactly as they stood, counted toward the limits; an unsettled one or a known id copies none', async () => {
      const succeeded = (await executed('10.00', 'succeeded', 1, 'restored'))!;
      const failed = (await executed('20.00', 'failed', 2, 'restored'))!;
      const resolved = (await executed('30.00', 'unknown', 3, 'restored'))!;
      await a.resolve(resolved.id, { outcome: 'sent', by: 'U2', at: at(5), note: 'seen in DART' });
      const approved = await request({ amount: '6000.00', customer: 'restored', needsApproval: true, secondApproval: true });
      await a.addApproval(approved.id, move('approve', 'U2'), []);
      const cancelled = await a.cancel(approved.id, 'U1', at(2));
      // A late answer beside a resolution: an execution whose lease lapsed, resolved, then answered.
      const late = await request({ amount: '40.00', customer: 'restored', requestedAt: at(3), expiresAt: at(20) });
      await a.startExecution(late.id, move('confirm', 'U1', 4, 'late-executor'), []);
      await a.abandonExecutions(0, 'lease lapsed', at(5));
      await a.resolve(late.id, { outcome: 'not_sent', by: 'U2', at: at(6), note: 'not in DART' });
      const answered = await a.finish(late.id, 'late-executor', 'succeeded', 'DART said yes, late', at(7));
      const originals = [succeeded, failed, (await a.get(resolved.id))!, cancelled!, answered!];
      expect(answered?.lateAnswer).toMatchObject({ outcome: 'succeeded' });

      const copies = originals.map((transfer) => ({ ...transfer, id: crypto.randomUUID(), customer: 'copied' }));
      await b.restore(copies);
      for (const copy of copies) expect(await a.get(copy.id)).toEqual(copy);
      expect(await a.spentSince(at(0), ['copied'])).toEqual(await a.spentSince(at(0), ['restored']));

      const unsettled = await request({ customer: 'restored' });
      const fresh = { ...succeeded, id: crypto.randomUUID(), customer: 'never' };
      await expect(b.restore([fresh, { ...unsettled, id: crypto.randomUUID(), customer: 'never' }])).rejects.toThrow(/not settled/);
      await expect(b.restore([fresh, copies[0]!])).rejects.toThrow();
      expect(await a.get(fresh.id)).toBeUndefined();
    });
  });
}
