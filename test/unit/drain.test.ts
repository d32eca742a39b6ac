import { describe, expect, it } from 'vitest';
import { drainingAnswer } from '../../src/slack/drain.ts';

// The one decision both HTTP (refuseWhileDraining) and Socket Mode (SocketReceiver) follow.
describe('drainingAnswer', () => {
  it('answers a slash command with the ephemeral restarting line', () => {
    expect(drainingAnswer({ command: '/dart', text: 'balance billyjoel' })).toEqual({
      kind: 'reply',
      reply: {
        response_type: 'ephemeral',
        text: ':hourglass: This DART app is restarting. Nothing was done; run the command again in a few seconds.',
      },
    });
  });

  it('refuses clicks, forms, shortcuts and events', () => {
    for (const type of ['block_actions', 'view_submission', 'shortcut', 'message_action', 'event_callback']) {
      expect(drainingAnswer({ type })).toEqual({ kind: 'refuse' });
    }
    expect(drainingAnswer({})).toEqual({ kind: 'refuse' });
  });
});
