/**
 * What the fuzzer refuses in an answer: any 5xx; any 4xx whose body is not exactly `{"errors": [<keys>]}` as JSON;
 * and any answer that breaks the contract — a status the operation does not document (routing refusals of a
 * respelled path or method aside) or a JSON body that does not match the documented schema. The app validates its
 * handlers' answers itself in tests (a mismatch becomes a 500), but answers given before a handler (guards, body
 * readers, routing) are checked only here.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { Operation } from './generate.js';
import { loadContract } from '../../src/api/contract.js';
import type { Json } from '../../src/lib/json.js';

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

const ROUTING = new Map([
  [404, 'route.not_found'],
  [405, 'route.method_not_allowed'],
]);

/** OpenAPI 3.0 to JSON Schema: `nullable`, and references into one registered document. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'example' || k === 'examples' || k === 'nullable') continue;
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `barong.json${v}` : toJsonSchema(v);
  }
  if ((node as Json).nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

export class Oracle {
  private readonly ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });
  private readonly validators = new Map<string, ValidateFunction | null>();

  constructor() {
    this.ajv.addSchema({ $id: 'barong.json', components: toJsonSchema(loadContract().oas3.components) as Json });
  }

  private bodySchema(op: Operation, status: number): ValidateFunction | null {
    const key = `${op.id} ${status}`;
    if (!this.validators.has(key)) {
      const schema = op.responses[String(status)]?.content?.['application/json']?.schema;
      this.validators.set(key, schema ? this.ajv.compile(toJsonSchema(schema) as Json) : null);
    }
    return this.validators.get(key)!;
  }

  /** Every problem with one answer; empty when it is fine. */
  /** `management`: the request went to the management API, whose errors are Barong's `{"error": "…"}`. */
  judge(op: Operation, method: string, respelled: boolean, a: Answer, management = false): string[] {
    const problems: string[] = [];
    if (a.status >= 500) problems.push(`server error ${a.status}`);
    const isJson = /^application\/json\b/.test(a.contentType);
    let body: unknown;
    try {
      body = a.text ? JSON.parse(a.text) : undefined;
    } catch {
      body = undefined;
    }
    if (a.status >= 400 && method !== 'head' && management) {
      const error = (body as Json | undefined)?.error;
      const grape =
        isJson && body && Object.keys(body as Json).join() === 'error' && typeof error === 'string' && error.length > 0;
      if (!grape) problems.push('error body is not {"error":"<message>"}');
    } else if (a.status >= 400 && method !== 'head') {
      const keys = (body as Json | undefined)?.errors;
      const barong =
        isJson &&
        body &&
        Object.keys(body as Json).join() === 'errors' &&
        Array.isArray(keys) &&
        keys.length > 0 &&
        keys.every((k) => typeof k === 'string' && k.length > 0);
      if (!barong) problems.push('error body is not {"errors":[<keys>]}');
    }
    // A respelled path or method may name another operation or none: only the checks above apply.
    if (respelled) return problems;
    const routing = ROUTING.get(a.status);
    if (routing && routing === (body as Json | undefined)?.errors?.join())
      problems.push(`routing refused the contract's own path: ${a.status}`);
    if (management && a.status === 404 && (body as Json | undefined)?.error === 'Not Found')
      problems.push("routing refused the contract's own path: 404");
    if (!(String(a.status) in op.responses)) {
      problems.push(`status ${a.status} is not documented for ${op.id}`);
      return problems;
    }
    const validate = isJson && body !== undefined ? this.bodySchema(op, a.status) : null;
    if (validate && !validate(body)) problems.push(`body breaks the contract: ${this.ajv.errorsText(validate.errors)}`);
    return problems;
  }
}
