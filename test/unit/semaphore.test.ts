import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../src/lib/semaphore.js';

/** A piece of work that runs until `finish` is called, counting how many run at once. */
function gate() {
  let running = 0;
  let most = 0;
  const finishers: (() => void)[] = [];
  const work = () => {
    running++;
    most = Math.max(most, running);
    return new Promise<void>((resolve) =>
      finishers.push(() => {
        running--;
        resolve();
      }),
    );
  };
  return { work, finishers, most: () => most };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Semaphore', () => {
  it('runs at most its size at once, the others in arrival order as places free', async () => {
    const g = gate();
    const semaphore = new Semaphore(2);
    const order: number[] = [];
    const all = [0, 1, 2, 3, 4].map((i) => semaphore.run(() => (order.push(i), g.work())));
    await tick();
    expect(order).toEqual([0, 1]);
    g.finishers.shift()!();
    await tick();
    expect(order).toEqual([0, 1, 2]);
    while (g.finishers.length) {
      g.finishers.shift()!();
      await tick();
    }
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(g.most()).toBe(2);
  });

  it('frees the place of work that fails, and passes the failure on', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await semaphore.run(() => Promise.resolve('next'))).toBe('next');
  });

  it('refuses a size below one', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
