/**
 * Reads a secret on the terminal without showing it: the terminal goes to raw mode, so nothing is echoed, and
 * Enter ends the line. Ctrl-C and Ctrl-D give up (the command then fails without writing anything).
 */
import type { CliInput, CliStream } from './runtime.js';

const ENTER = new Set(['\r', '\n']);
const GIVE_UP = new Set(['\u0003', '\u0004']);
const ERASE = new Set(['\u007f', '\b']);

export function readSecret(stdin: CliInput, stderr: CliStream, prompt: string): Promise<string | undefined> {
  stderr.write(prompt);
  return new Promise((resolve) => {
    let secret = '';
    const finish = (value: string | undefined) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString('utf8')) {
        if (ENTER.has(char)) return finish(secret);
        if (GIVE_UP.has(char)) return finish(undefined);
        secret = ERASE.has(char) ? secret.slice(0, -1) : secret + char;
      }
    };
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}
