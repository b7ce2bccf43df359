/** The CLI's terminal pieces: the secret prompt echoes nothing; progress is a bar on a terminal, lines elsewhere. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { readSecret } from '../../src/cli/prompt.js';
import { progressOn } from '../../src/cli/progress.js';

function terminal() {
  const modes: boolean[] = [];
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    setRawMode: (mode: boolean) => modes.push(mode),
    resume() {},
    pause() {},
  });
  let shown = '';
  return { stdin, modes, stderr: { write: (s: string) => (shown += s) }, shown: () => shown };
}

describe('readSecret', () => {
  it('reads a line in raw mode without echoing it; backspace erases; the terminal is restored', async () => {
    const tty = terminal();
    const secret = readSecret(tty.stdin, tty.stderr, 'password: ');
    tty.stdin.emit('data', Buffer.from('hunter'));
    tty.stdin.emit('data', Buffer.from('3x\u007f2\r'));
    expect(await secret).toBe('hunter32');
    expect(tty.shown()).toBe('password: \n');
    expect(tty.modes).toEqual([true, false]);
    expect(tty.stdin.listenerCount('data')).toBe(0);
  });

  it('Ctrl-C gives up', async () => {
    const tty = terminal();
    const secret = readSecret(tty.stdin, tty.stderr, 'password: ');
    tty.stdin.emit('data', 'abc\u0003');
    expect(await secret).toBeUndefined();
  });
});

describe('progressOn', () => {
  it('off a terminal: a line at each new section, at the end, and at most every 2 s', () => {
    let out = '';
    let now = 0;
    const progress = progressOn({ write: (s: string) => (out += s) }, 'seed', () => now);
    progress.update(1, 5, 'levels');
    progress.update(2, 5, 'levels');
    now = 2500;
    progress.update(3, 5, 'levels');
    progress.update(4, 5, 'users');
    progress.update(5, 5, 'users');
    progress.stop();
    expect(out).toBe('seed: 1/5 (levels)\nseed: 3/5 (levels)\nseed: 4/5 (users)\nseed: 5/5 (users)\n');
  });

  it('on a terminal: a bar with the count and the section', () => {
    let out = '';
    const progress = progressOn({ write: (s: string) => (out += s), isTTY: true }, 'seed');
    progress.update(1, 4, 'levels');
    progress.update(4, 4, 'users');
    progress.stop();
    expect(out).toContain('seed [');
    expect(out).toContain('4/4 users');
  });
});
