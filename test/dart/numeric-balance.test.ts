import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, USERS, type Harness } from '../support/harness.ts';
import { ask } from './support.ts';

// Red-team finding, fixed (was: src/dart/schemas.ts decimalString + src/dart/client.ts #get: plain JSON.parse): DART's
// money fields may come as JSON numbers ("some deployments send numbers, which we keep as
// text"), but the number is parsed to a double first and only then turned into text, so a
// balance with more significant digits than a double holds is shown with wrong digits
// (USDC has 6 decimals: 12345678901.123456 is shown as 12,345,678,901.123455), and 100.10
// loses its zero. "Money: decimal strings end to end, never floats" (the product specification). The webhook
// receiver already keeps a number's source text (JSON.parse's reviver `context.source`); the
// DART client should do the same for its money fields.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

describe('a numeric balance from DART goes through a float', () => {
  it('{"total_usdc_balance": 12345678901.123456} is shown with its own digits', async () => {
    h.dart.injectFault(
      { kind: 'status', status: 200, body: '{"total_usdc_balance": 12345678901.123456}', contentType: 'application/json' },
      { endpoint: 'customer/usdc-balance' },
    );
    const answer = await ask(h, USERS.viewer, 'balance billyjoel');
    expect(answer).toContain('12,345,678,901.123456');
  });
});
