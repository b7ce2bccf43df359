/**
 * `npm run fuzz -- [--count N] [--seed N] [--max-seconds N]`: the long run of the contract fuzzer from the
 * command line (defaults: 2,000 requests, seed 8, 900 s). Prints the report; exits 1 on any offence.
 */
import { parseArgs } from 'node:util';
import { runFuzz } from './fuzzer.js';
import { failed, formatReport } from './report.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '8' },
    'max-seconds': { type: 'string', default: '900' },
  },
});
const options = { count: Number(values.count), seed: Number(values.seed), maxSeconds: Number(values['max-seconds']) };
for (const [name, v] of Object.entries(options)) {
  if (!Number.isInteger(v) || v <= 0) {
    console.error(`--${name} must be a positive integer`);
    process.exit(2);
  }
}
process.env.NODE_ENV = 'test';
const result = await runFuzz(options);
console.log(formatReport(result));
process.exit(failed(result) ? 1 : 0);
