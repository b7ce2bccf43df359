/**
 * The container files (Dockerfile, docker-compose.yml, .dockerignore) against the repository, since Docker does not
 * run here: every file the Dockerfile copies exists and is not ignored, every command names an npm script or a file
 * `npm run build` produces (src/build/build.ts: tsc of src/ and jobs/ into dist/, plus its assets), the healthcheck
 * asks a route the API serves, and every setting the compose file passes is one the configuration reads.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ASSETS, DEFAULT_OUT_DIR } from '../../src/build/build.js';
import { CONFIG_AREAS, loadConfig } from '../../src/config/index.js';
import { createOperatorRoutes } from '../../src/api/operator/operator-routes.js';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

interface Instruction {
  stage: number;
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped, each with its stage's number. */
function dockerfile(): Instruction[] {
  const lines = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  let stage = -1;
  return lines.map((line) => {
    const [keyword, ...rest] = line.split(/\s+/);
    if (keyword!.toUpperCase() === 'FROM') stage += 1;
    return { stage, keyword: keyword!.toUpperCase(), args: rest.join(' ') };
  });
}

/** The tsconfig that `npm run build` compiles with decides which sources become dist/…/*.js. */
const buildConfig = JSON.parse(read('src/build/tsconfig.json')) as { include: string[]; exclude: string[] };
const fromBuildDir = (p: string) => path.relative(root, path.resolve(root, 'src/build', p));
const compiledRoots = buildConfig.include.map(fromBuildDir);
const excluded = buildConfig.exclude.map(fromBuildDir);

/** Whether `file` (relative to the image's working directory) is something `npm run build` writes. */
function isBuildOutput(file: string): boolean {
  const prefix = `${DEFAULT_OUT_DIR}/`;
  if (!file.startsWith(prefix)) return false;
  const rel = file.slice(prefix.length);
  if (ASSETS.some((asset) => rel === asset || rel.startsWith(`${asset}/`))) return true;
  if (!rel.endsWith('.js')) return false;
  const source = rel.replace(/\.js$/, '.ts');
  const inside = (dir: string) => source === dir || source.startsWith(`${dir}/`);
  return existsSync(path.join(root, source)) && compiledRoots.some(inside) && !excluded.some(inside);
}

/** What a command runs: `node <file>` names a file, `npm run <script>` a script; checked the same in `sh -c`. */
function commandProblems(command: string[] | string): string[] {
  const words = (Array.isArray(command) ? command : command.split(/\s+/)).flatMap((w) =>
    w.includes(' ') ? w.split(/\s+/) : [w],
  );
  const problems: string[] = [];
  words.forEach((word, i) => {
    const next = words[i + 1];
    if (word === 'node' && next && !next.startsWith('-') && !isBuildOutput(next))
      problems.push(`${next}: not produced by npm run build`);
    if (word === 'npm' && next === 'run' && !scripts[words[i + 2] ?? ''])
      problems.push(`npm run ${words[i + 2]}: no such script`);
  });
  return problems;
}

const ignored = read('.dockerignore')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const isIgnored = (file: string) => ignored.some((p) => file === p || file.startsWith(`${p}/`));

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[] | string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { disable?: boolean };
  volumes?: string[];
}
/** YAML merge keys (`<<: *anchor`), which Compose applies and js-yaml 5 leaves as a `<<` entry: own keys win. */
function mergeKeys(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(mergeKeys);
  if (!node || typeof node !== 'object') return node;
  const { '<<': merged, ...own } = node as Record<string, unknown>;
  const bases = (merged === undefined ? [] : Array.isArray(merged) ? merged : [merged]) as Record<string, unknown>[];
  const entries = Object.entries(Object.assign({}, ...bases.map(mergeKeys), own) as Record<string, unknown>);
  return Object.fromEntries(entries.map(([k, v]) => [k, mergeKeys(v)]));
}
const compose = mergeKeys(yaml.load(read('docker-compose.yml'))) as { services: Record<string, ComposeService> };
const ours = Object.entries(compose.services).filter(([, s]) => s.build);

describe('Dockerfile', () => {
  const instructions = dockerfile();
  const stages = instructions.filter((i) => i.keyword === 'FROM');
  const last = stages.length - 1;
  const final = instructions.filter((i) => i.stage === last);

  it('builds in one stage and runs the compiled build as a non-root user on node:20-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(instructions.filter((i) => i.keyword === 'RUN' && i.stage < last).map((i) => i.args)).toEqual(
      expect.arrayContaining(['npm ci --no-audit --no-fund', 'npm run build']),
    );
    expect(stages[last]!.args).toMatch(/^node:20-slim\b/);
    expect(final.find((i) => i.keyword === 'RUN' && i.args.includes('npm ci'))!.args).toContain('--omit=dev');
    expect(final.filter((i) => i.keyword === 'USER').at(-1)?.args).toBe('node');
    expect(scripts.build).toBeDefined();
  });

  it('copies only files that exist and are not ignored, and the build output from the build stage', () => {
    const copies = instructions.filter((i) => i.keyword === 'COPY');
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/);
      const from = parts.find((p) => p.startsWith('--from='));
      const paths = parts.filter((p) => !p.startsWith('--'));
      const sources = paths.slice(0, -1);
      if (from) {
        // From the build stage: its WORKDIR plus the build's output directory.
        const workdir = instructions.filter((i) => i.keyword === 'WORKDIR' && i.stage === 0).at(-1)!.args;
        expect(sources).toEqual([`${workdir}/${DEFAULT_OUT_DIR}`]);
        continue;
      }
      for (const source of sources) {
        expect(existsSync(path.join(root, source)), `${source} exists`).toBe(true);
        expect(isIgnored(source), `${source} is not in .dockerignore`).toBe(false);
      }
    }
  });

  it('runs a file the build produces, and checks its health on a route the API serves', () => {
    const cmd = final.filter((i) => i.keyword === 'CMD').at(-1)!;
    const command = JSON.parse(cmd.args) as string[];
    expect(commandProblems(command)).toEqual([]);
    expect(isBuildOutput(command[1]!)).toBe(true);

    const health = final.find((i) => i.keyword === 'HEALTHCHECK')!.args;
    const path_ = /'[^']*(\/readyz)'/.exec(health)?.[1];
    expect(path_).toBe('/readyz');
    const router = createOperatorRoutes({
      knex: {} as never,
      redis: {} as never,
      registry: {} as never,
      metrics: loadConfig({}).metrics,
    });
    const routes = (router as unknown as { stack: { route?: { path: string } }[] }).stack.map((l) => l.route?.path);
    expect(routes).toContain(path_);
  });
});

describe('docker-compose.yml', () => {
  it('has the databases, the broker, a mail catcher, a migration, the API and the worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['api', 'mailpit', 'mariadb', 'migrate', 'rabbitmq', 'redis', 'worker'].sort(),
    );
    expect(ours.map(([name]) => name).sort()).toEqual(['api', 'migrate', 'worker']);
  });

  it('builds our services from this Dockerfile and runs only what the build produces', () => {
    for (const [name, service] of ours) {
      expect(service.build, name).toEqual({ context: '.', dockerfile: 'Dockerfile' });
      expect(service.command, name).toBeDefined();
      expect(commandProblems(service.command!), name).toEqual([]);
    }
    expect(compose.services.api!.command).toEqual(['node', 'dist/src/main.js']);
    expect(compose.services.worker!.command).toEqual(['node', 'dist/jobs/main.js']);
  });

  it('passes only settings the configuration reads', () => {
    const known = new Set(CONFIG_AREAS.flatMap((area) => Object.keys(area.shape)));
    for (const [name, service] of ours) {
      const unknown = Object.keys(service.environment ?? {}).filter((k) => !known.has(k));
      expect(unknown, name).toEqual([]);
    }
  });

  it('starts the API and the worker after the migration, and shares the uploads between them', () => {
    for (const name of ['api', 'worker']) {
      const service = compose.services[name]!;
      expect(service.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
      expect(service.volumes).toContain('uploads:/app/uploads');
      for (const dependency of Object.keys(service.depends_on ?? {}))
        expect(compose.services[dependency], `${name} depends on ${dependency}`).toBeDefined();
    }
    // The image's healthcheck asks the API's port: the processes without one turn it off.
    expect(compose.services.worker!.healthcheck).toEqual({ disable: true });
    expect(compose.services.migrate!.healthcheck).toEqual({ disable: true });
  });
});
