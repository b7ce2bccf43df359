/**
 * The dashboard's queues, made when the board is first opened: until then the API process loads no Bull (nor the
 * board's adapters) and opens no queue connection. Only types are imported here, so importing this file is free.
 */
import type { CreateQueueOptions } from './create-queue.js';
import type { BoardQueue, BoardQueues } from './board-queues.js';

export class LazyBoardQueues {
  private opened?: Promise<BoardQueues>;

  constructor(private readonly options: CreateQueueOptions) {}

  adapters(): Promise<BoardQueue[]> {
    this.opened ??= import('./board-queues.js')
      .then((m) => m.createBoardQueues(this.options))
      .catch((err: unknown) => {
        this.opened = undefined;
        throw err;
      });
    return this.opened.then((queues) => queues.adapters);
  }

  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    if (opened) await (await opened.catch(() => undefined))?.close();
  }
}
