/**
 * `npx tsx test/bench/profile-top.ts <file.cpuprofile> [count]`: the functions with the most self time in a V8 CPU
 * profile (node --cpu-prof), with their share of the samples, to see where a benchmark's time goes.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const [file, countArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [count]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
for (const id of profile.samples) {
  const frame = byId.get(id)!.callFrame;
  const where = frame.url.replace(/^.*node_modules\//, '~/').replace(/^file:\/\/.*?\/src\//, 'src/');
  const key = `${frame.functionName || '(anonymous)'}  ${where}:${frame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + 1);
}
const total = profile.samples.length;
const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(countArg ?? 40));
for (const [key, n] of top) console.log(`${((100 * n) / total).toFixed(1).padStart(5)}%  ${key}`);
