/**
 * How old rows are deleted without holding up the server: many short statements (`DELETE … ORDER BY … LIMIT n`,
 * each its own implicit transaction, locking only the rows it deletes) with a pause between them, so inserts and
 * the relay's updates get their turn and replicas keep up. Never one big DELETE or a long transaction.
 */
export interface BatchedPurgeOptions {
  /** Rows per statement. */
  batchSize: number;
  /** Pause between two statements. */
  pauseMs: number;
  /** Checked between statements: a stopping worker leaves the rest for its next run. */
  shouldStop?: () => boolean;
}

export const PURGE_BATCH_SIZE = 1000;
export const PURGE_PAUSE_MS = 50;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `deleteBatch(limit)` until it deletes fewer than a full batch; returns the total deleted. */
export async function purgeInBatches(
  deleteBatch: (limit: number) => Promise<number>,
  { batchSize, pauseMs, shouldStop }: BatchedPurgeOptions,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch(batchSize);
    total += deleted;
    if (deleted < batchSize || shouldStop?.()) return total;
    await pause(pauseMs);
  }
}
