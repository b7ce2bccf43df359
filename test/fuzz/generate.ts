/**
 * Requests from the published contract (src/generated/barong.oas3.json): for each operation a plausible request
 * from its parameters and body schema, then none to three mutations — wrong types, missing and extra fields, odd
 * values, wrong or missing content types, broken bodies, bad cookies, tokens and signatures, odd paths and methods.
 */
import { stringify } from 'node:querystring';
import { loadContract, operationsOf } from '../../src/api/contract.js';
import { PATH_MUTATIONS } from '../support/path-mutations.js';
import { renderBody, someFiles, type BodyKind } from './bodies.js';
import { Rng } from './rng.js';
import { asText, HOSTILE_KEYS, oddities, plausible } from './values.js';
import type { Json } from '../../src/lib/json.js';

export interface Operation {
  id: string;
  method: string;
  path: string;
  scope: string;
  gateway: boolean;
  /** An admin API operation: its principal is a superadmin. */
  admin: boolean;
  /** A management API operation: its body travels signed (fuzzer.ts). */
  management: boolean;
  parameters: Json[];
  bodyTypes: string[];
  bodySchema?: Json;
  responses: Json;
}

export type Credential =
  'bearer' | 'session' | 'session-no-csrf' | 'apikey' | 'apikey-bad-signature' | 'none' | 'bad-cookie' | 'bad-bearer';

export interface Plan {
  op: Operation;
  method: string;
  /** The request target, query included, as sent. */
  target: string;
  credential: Credential;
  headers: Record<string, string>;
  body?: Buffer;
  /** What was done to the plausible request, for the report. */
  mutations: string[];
  /** Path spelling or method changed: the answer may be a routing refusal. */
  respelled: boolean;
}

export function contractOperations(): { basePath: string; operations: Operation[] } {
  const contract = loadContract();
  const doc = contract.oas3;
  const deref = (p: Json): Json => (p.$ref ? doc.components.parameters[p.$ref.split('/').pop()] : p);
  const operations = operationsOf(doc).map(({ path, method, operation }) => {
    const content: Json = operation.requestBody?.content ?? {};
    return {
      id: operation.operationId as string,
      method,
      path,
      scope: operation['x-error-scope'] ?? 'request',
      gateway: Boolean(operation.tags?.includes('authz')),
      admin: Boolean(operation['x-ability']),
      management: Boolean(operation['x-management-scope']),
      parameters: (operation.parameters ?? []).map(deref),
      bodyTypes: Object.keys(content),
      bodySchema: (Object.values(content)[0] as Json | undefined)?.schema,
      responses: operation.responses,
    };
  });
  return { basePath: contract.basePath, operations };
}

const GATEWAY_PATHS = [
  'api/v2/peatio/account/balances',
  'api/v2/barong/public/ping',
  'api/v2/barong/resource/users/me',
  'api/v2/barong/management/users',
  'api/v2/peatio//management/x',
  'api/v2/peatio/%2e%2e/admin',
  '../../etc/passwd',
  'api/v2/peatio/market/orders?market=btcusd',
  '%C0%AF',
];
const CREDENTIALS: Credential[] = [
  'bearer',
  'bearer',
  'session',
  'session',
  'session-no-csrf',
  'none',
  'bad-cookie',
  'bad-bearer',
];
const GATEWAY_CREDENTIALS: Credential[] = [
  'apikey',
  'apikey',
  'session',
  'apikey-bad-signature',
  'none',
  'bad-cookie',
  'session-no-csrf',
];
const OTHER_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options'];

function decodes(s: string): boolean {
  try {
    decodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}

/** encodeURIComponent refuses lone surrogates; send those bytes as they are. */
function safeEncode(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '?')) + '%ED%A0%80';
  }
}

export class Generator {
  private readonly odd: unknown[];

  constructor(
    private readonly basePath: string,
    private readonly seed: number,
  ) {
    this.odd = oddities(seed);
  }

  plan(op: Operation, index: number, secrets: { email: string; password: string }): Plan {
    const rng = new Rng(this.seed * 1_000_003 + index);
    const mutations: string[] = [];
    const mutate = (name: string, p: number) => (rng.chance(p) ? (mutations.push(name), true) : false);
    const value = (p: Json, name: string) => plausible(name, p.schema ?? p, p.example, rng, secrets);

    // Path and query.
    let path = op.path;
    let respelled = false;
    for (const p of op.parameters.filter((x) => x.in === 'path')) {
      const v = op.gateway
        ? rng.pick(GATEWAY_PATHS)
        : mutate(`odd path ${p.name}`, 0.2)
          ? String(rng.pick(this.odd))
          : String(value(p, p.name));
      const encoded = op.gateway ? v : safeEncode(v);
      // `/labels/` is the list's path with a trailing slash (another operation); a value that does not decode
      // names no route.
      if (v === '' || !decodes(encoded)) respelled = true;
      path = path.replace(`{${p.name}}`, encoded);
    }
    path = this.basePath + path;
    if (mutate('respelled path', 0.08)) {
      const name = rng.pick(Object.keys(PATH_MUTATIONS));
      path = PATH_MUTATIONS[name]!(path, rng.int(64));
      mutations.push(name);
      respelled = true;
    }
    const query: Record<string, unknown> = {};
    for (const p of op.parameters.filter((x) => x.in === 'query')) {
      if (p.required || rng.chance(0.5)) query[p.name] = value(p, p.name);
      if (mutate(`odd query ${p.name}`, 0.15)) query[p.name] = rng.pick(this.odd);
    }
    if (mutate('unknown query parameter', 0.05)) query[rng.pick(['zz', '__proto__', 'a[b]'])] = '1';
    let queryText = stringify(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, asText(v)])));
    if (mutate('array query', 0.05)) queryText += '&page[]=1&page[]=2&limit[a]=1';

    // Method.
    let method = op.method;
    if (mutate('other method', 0.04)) {
      method = rng.pick(OTHER_METHODS);
      respelled = true;
    }

    // Credentials and headers.
    const credential = rng.pick(op.gateway ? GATEWAY_CREDENTIALS : CREDENTIALS);
    const headers: Record<string, string> = {};
    if (mutate('odd X-Forwarded-For', 0.12))
      headers['X-Forwarded-For'] = rng.pick([
        'garbage',
        '999.1.1.1',
        '::ffff:10.0.0.1, 1.1.1.1',
        '1.1.1.1'.repeat(500),
        'x'.repeat(100),
      ]);
    if (mutate('odd User-Agent', 0.03)) headers['User-Agent'] = rng.pick(['', 'x'.repeat(8000)]);
    if (mutate('odd Accept-Language', 0.02)) headers['Accept-Language'] = '*;q=abc, zz-ZZ';

    // Body.
    const plan: Plan = {
      op,
      method,
      target: queryText ? `${path}?${queryText}` : path,
      credential,
      headers,
      mutations,
      respelled,
    };
    if (op.bodyTypes.length || mutate('body where none is declared', 0.03)) this.addBody(plan, rng, mutate, value);
    return plan;
  }

  private addBody(
    plan: Plan,
    rng: Rng,
    mutate: (name: string, p: number) => boolean,
    value: (p: Json, name: string) => unknown,
  ): void {
    const schema: Json = plan.op.bodySchema ?? { properties: { x: { type: 'string' } } };
    const required = new Set<string>(schema.required ?? []);
    const fields: Record<string, unknown> = {};
    for (const [name, prop] of Object.entries<Json>(schema.properties ?? {})) {
      if (prop.oneOf?.some((s: Json) => s.format === 'binary')) continue; // files go as files
      if (required.has(name) || rng.chance(0.5)) fields[name] = value(prop, name);
    }
    const names = Object.keys(fields);
    if (names.length && mutate('missing field', 0.15)) delete fields[rng.pick(names)];
    if (names.length && mutate('odd field value', 0.3)) fields[rng.pick(names)] = rng.pick(this.odd);
    if (mutate('extra field', 0.1)) fields[rng.pick(['extra', ...HOSTILE_KEYS])] = rng.pick(this.odd);
    if (mutate('huge field', 0.03))
      fields[rng.pick(names.length ? names : ['x'])] = 'y'.repeat(rng.pick([70_000, 1_100_000]));

    const declared = plan.op.bodyTypes.map((t) =>
      t === 'multipart/form-data' ? 'multipart' : t === 'application/json' ? 'json' : 'form',
    ) as BodyKind[];
    let kind: BodyKind = rng.pick(declared.length ? declared : (['json'] as BodyKind[]));
    if (mutate('undeclared body type', 0.06)) kind = rng.pick(['json', 'form', 'multipart'] as BodyKind[]);
    const rendered = renderBody(
      kind,
      fields,
      kind === 'multipart' && !mutate('no file', 0.1) ? someFiles(rng) : [],
      rng,
    );
    if (rendered.broken && rendered.broken !== 'none') plan.mutations.push(`multipart ${rendered.broken}`);
    plan.body = rendered.bytes;
    if (rendered.contentType) plan.headers['Content-Type'] = rendered.contentType;
    if (rendered.contentEncoding) plan.headers['Content-Encoding'] = rendered.contentEncoding;
    if (mutate('odd Content-Type', 0.08)) {
      const odd = rng.pick([
        'text/plain',
        'application/json; charset=utf-16',
        'application/x-www-form-urlencoded; charset=klingon',
        ';;;',
        'application/xml',
        '*/*',
        '',
      ]);
      if (odd) plan.headers['Content-Type'] = odd;
      else delete plan.headers['Content-Type'];
    }
    if (mutate('odd Content-Encoding', 0.05))
      plan.headers['Content-Encoding'] = rng.pick(['gzip', 'br', 'deflate', 'x-unknown', 'gzip, gzip']);
  }
}
