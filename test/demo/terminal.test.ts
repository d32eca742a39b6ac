import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Terminal } from '../../src/demo/terminal.ts';

// The console's terminal as a person sees it: a TTY, keys typed one by one.

function tty() {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString('utf8')));
  return { input, output, shown: () => shown };
}

describe('interactive terminal', () => {
  it('shows a typed password as stars, returns it whole, and keeps it out of the history', async () => {
    const { input, output, shown } = tty();
    const terminal = new Terminal({ input, output });
    try {
      const read = terminal.read('  Password: ', { mask: true });
      input.write('s3cret-pass\r');
      expect(await read).toBe('s3cret-pass');
      expect(shown()).toContain('  Password: ');
      expect(shown()).toContain('***********');
      expect(shown()).not.toContain('s3cret');
      const next = terminal.read('> ');
      input.write('hello\r');
      expect(await next).toBe('hello');
      expect(shown()).toContain('hello');
    } finally {
      terminal.close();
    }
  });
});
