/**
 * CI's run of the contract fuzzer (issue 8, item 14): a fixed seed, 2,000 requests over every operation, bounded
 * in time. It fails with the report of every offending answer (operation, request, status, body, cause): any
 * 5xx, any 4xx without a Barong body, any answer the contract does not describe, any operation that never got
 * past its guard. `npm run fuzz -- --count 20000 [--seed N]` is the long run.
 */
import { expect, it } from 'vitest';
import { runFuzz } from './fuzzer.js';
import { failed, formatReport } from './report.js';

const COUNT = 2_000;

it(`${COUNT} seeded requests: no 5xx, Barong bodies, answers the contract describes`, async () => {
  const result = await runFuzz({ seed: 8, count: COUNT, maxSeconds: 240 });
  if (failed(result)) throw new Error(formatReport(result));
  expect(result.sent).toBe(COUNT);
}, 300_000);
