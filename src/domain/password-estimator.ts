/**
 * zxcvbn-ts strength estimates computed in a worker thread (password-strength-worker.ts) that starts with the first
 * estimate and ends after `idleMs` without one. Its dictionaries take about 60 MB of the process's resident memory
 * while loaded; an API process that is not checking new passwords — nearly always — does not carry them. The first
 * estimate after a quiet spell waits for the thread to load them (about half a second); later ones do not, and none
 * holds up the event loop. The estimate is the library's own, with the same options as in the main thread.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EstimateAnswer, EstimateRequest, EstimatorOptions } from './password-strength-worker.js';

interface Pending {
  resolve(guessesLog10: number): void;
  reject(err: Error): void;
}

/**
 * The compiled worker beside this file; from the sources (tests, `npm run dev`) the TypeScript one, through tsx's
 * require hook, since Node 20 does not apply a parent's `--import tsx` loader inside a worker thread.
 */
function startWorker(options: EstimatorOptions): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(new URL(`./password-strength-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  if (!fromSource) return new Worker(file, { workerData: options });
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const boot = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)});`;
  // No inherited flags: a parent run as `node --input-type=module` would make this CommonJS snippet a module.
  return new Worker(boot, { eval: true, execArgv: [], workerData: options });
}

export class PasswordEstimator {
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private idleTimer?: NodeJS.Timeout;

  constructor(
    private readonly options: EstimatorOptions,
    private readonly idleMs: number,
  ) {}

  /** Whether the thread (and the dictionaries) is in memory now. */
  get loaded(): boolean {
    return this.worker !== undefined;
  }

  /** log10 of zxcvbn's guess estimate for `password`, with `relatedInputs` counted as known words. */
  guessesLog10(password: string, relatedInputs: string[]): Promise<number> {
    clearTimeout(this.idleTimer);
    const worker = this.running();
    const id = this.nextId++;
    const request: EstimateRequest = { id, password, relatedInputs };
    return new Promise<number>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Held open only while an answer is awaited: an idle thread must not keep a CLI command from exiting.
      worker.ref();
      worker.postMessage(request);
    });
  }

  /** Ends the thread now (on shutdown); a later estimate starts a new one. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('password estimator closed'));
    await worker?.terminate();
  }

  private running(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(this.options);
    worker.on('message', (answer: EstimateAnswer) => this.settle(answer));
    worker.on('error', (err) => this.lost(worker, err));
    worker.on('exit', (code) => this.lost(worker, new Error(`password estimator thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  private settle(answer: EstimateAnswer): void {
    const waiting = this.pending.get(answer.id);
    if (!waiting) return;
    this.pending.delete(answer.id);
    if ('error' in answer) waiting.reject(new Error(`password estimate failed: ${answer.error}`));
    else waiting.resolve(answer.guessesLog10);
    if (this.pending.size === 0) this.rest();
  }

  /** Nothing awaited: let the process exit without the thread, and end it once the quiet spell is long enough. */
  private rest(): void {
    const worker = this.worker;
    if (!worker) return;
    worker.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker !== worker || this.pending.size) return;
      this.worker = undefined;
      void worker.terminate();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  /** The thread failed or ended: whatever it was asked fails, and the next estimate starts a new thread. */
  private lost(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failAll(err);
  }

  private failAll(err: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
  }
}
