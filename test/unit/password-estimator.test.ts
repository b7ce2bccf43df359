import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { PasswordEstimator } from '../../src/domain/password-estimator.js';
import { until } from '../support/wait.js';

const OPTIONS = { useDictionary: true, maxLength: 128 };
const estimators: PasswordEstimator[] = [];
const estimator = (idleMs: number) => {
  const made = new PasswordEstimator(OPTIONS, idleMs);
  estimators.push(made);
  return made;
};
afterEach(() => Promise.all(estimators.splice(0).map((e) => e.close())));

describe('PasswordEstimator', () => {
  it('answers what zxcvbn-ts answers in the main thread with the same options', async () => {
    const inline = new ZxcvbnFactory({
      graphs: common.adjacencyGraphs,
      dictionary: { ...common.dictionary, ...english.dictionary },
      maxLength: OPTIONS.maxLength,
    });
    const threaded = estimator(60_000);
    const cases: [string, string[]][] = [
      ['Password1', []],
      ['Kowalczyk1984', ['kowalczyk']],
      ['Tecohvi0-Zah!Sh8ei', []],
      ['Пароль-Сильный-2024', ['user@example.com']],
    ];
    const answers = await Promise.all(cases.map(([p, related]) => threaded.guessesLog10(p, related)));
    expect(answers).toEqual(cases.map(([p, related]) => inline.check(p, related).guessesLog10));
  });

  it('is not loaded until the first estimate, and unloads after the quiet spell, loading again when asked', async () => {
    const e = estimator(100);
    expect(e.loaded).toBe(false);
    const first = await e.guessesLog10('Tecohvi0', []);
    await until(() => !e.loaded, { what: 'the thread to end after 100 ms without estimates', timeoutMs: 10_000 });
    expect(await e.guessesLog10('Tecohvi0', [])).toBe(first);
    expect(e.loaded).toBe(true);
  });

  it('fails the estimates awaited when it closes, and starts again on the next', async () => {
    const e = estimator(60_000);
    const failed = expect(e.guessesLog10('Tecohvi0', [])).rejects.toThrow('password estimator closed');
    await e.close();
    await failed;
    expect(await e.guessesLog10('Password1', [])).toBeGreaterThan(0);
  });

  it('does not keep a process from exiting once the estimate is answered', () => {
    const script = [
      "import { PasswordEstimator } from './src/domain/password-estimator.ts';",
      'const e = new PasswordEstimator({ useDictionary: false, maxLength: 128 }, 3_600_000);',
      "console.log(await e.guessesLog10('Tecohvi0', []) > 0);",
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.error).toBeUndefined();
    expect(run.stdout.trim()).toBe('true');
    expect(run.status).toBe(0);
  });
});
