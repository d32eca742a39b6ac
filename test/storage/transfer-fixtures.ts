import type { NewTransfer, Transfer, TransferRepository } from '../../src/transfers/repository.ts';

/** Where every test transfer's confirmation is posted. */
export const message = { channel: 'C1', ts: '1.1' };
export const t0 = new Date('2025-03-03T09:00:00.000Z');
/** `minutes` after t0. */
export const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
/** A click moving a transfer to executing, on its recorded message. */
export const move = (kind: 'confirm' | 'approve', actor: string, minutes = 1, executor = 'x') => ({
  kind,
  actor,
  executor,
  now: at(minutes),
  message,
});

/** A request (50.00 to billyjoel by U1 at t0, valid 10 minutes) whose confirmation is posted (recorded) unless `posted` is false. */
export async function request(repository: TransferRepository, overrides: Partial<NewTransfer> = {}, posted = true): Promise<Transfer> {
  const created = await repository.create({
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
  return (posted && (await repository.attachMessage(created.id, message.channel, message.ts))) || created;
}
