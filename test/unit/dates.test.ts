import { describe, expect, it } from 'vitest';
import { activationDate } from '../../src/trade-scripts/blocks.ts';
import { slackDate } from '../../src/slack/mrkdwn.ts';

describe('dates shown to people', () => {
  it('falls back to the UTC day and time inside a Slack date token', () => {
    expect(slackDate(new Date('2025-09-03T07:05:00Z'))).toBe('<!date^1756883100^{date_short_pretty} at {time}|3 Sep 2025, 07:05 UTC>');
    expect(slackDate(new Date('2025-12-31T23:59:59Z'))).toContain('|31 Dec 2025, 23:59 UTC>');
  });

  it('shows an activation date as its calendar day, and anything else as DART sent it', () => {
    expect(activationDate('2022-06-08 10:30:00')).toBe('8 Jun 2022');
    expect(activationDate('2024-02-29T00:00:00Z')).toBe('29 Feb 2024');
    expect(activationDate('2023-02-29')).toBe('2023-02-29');
    expect(activationDate('soon')).toBe('soon');
  });
});
