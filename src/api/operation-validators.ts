/**
 * The contract validator (express-openapi-validator), reached through the app's own routing: one validator per
 * operation, each given a document of that operation alone (its path item, and the components it refers to).
 *
 * Why: a single validator over the whole contract finds a request's operation by compiling every path of the
 * document into a regular expression, one after the other, on every request (its route lookup); a profile of
 * GET /public/ping showed that lookup as the largest cost of the contract path. The routers of src/api/router.ts
 * already dispatch each request to its operation with expressions compiled once; the validator they call then
 * looks through one path, not all of them. What it checks, and how, is unchanged: the same options, the same
 * schemas (every component an operation refers to, transitively), the same errors.
 * A request no operation's route takes (an unknown path, a method the path does not have) still reaches the whole
 * contract's validator, which answers it as before (404, 405).
 */
import type { RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { Json } from '../lib/json.js';

export type ValidatorOptions = Omit<Parameters<typeof OpenApiValidator.middleware>[0], 'apiSpec'>;

/** Whether the request was already validated, as an operation (by this or an earlier matching route). */
function validated(req: unknown): boolean {
  return (req as { openapi?: unknown }).openapi !== undefined;
}

/** Runs handlers one after the other, as a router would, stopping at the first error. */
function inSequence(handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) return next(err);
      const handler = handlers[i++];
      if (!handler) return next();
      try {
        const result: unknown = handler(req, res, step);
        // As Express 5 does for its own handlers: a rejected promise is the handler's error.
        if (result instanceof Promise) result.catch(next);
      } catch (thrown) {
        next(thrown);
      }
    };
    step();
  };
}

/** The `$ref`s under `node`, as `#/components/<kind>/<name>`. */
function refsOf(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) for (const item of node) refsOf(item, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.add(value);
      else refsOf(value, out);
    }
  }
}

/** The components `root` refers to, directly or through other components. */
function referencedComponents(doc: Json, root: unknown): Json {
  const components: Json = {};
  const seen = new Set<string>();
  const pending = new Set<string>();
  refsOf(root, pending);
  while (pending.size) {
    const ref = pending.values().next().value!;
    pending.delete(ref);
    if (seen.has(ref)) continue;
    seen.add(ref);
    const [, , kind, name] = ref.split('/');
    const target = kind && name ? doc.components?.[kind]?.[name] : undefined;
    if (target === undefined) throw new Error(`contract: unresolved ${ref}`);
    (components[kind!] ??= {})[name!] = target;
    refsOf(target, pending);
  }
  if (doc.components?.securitySchemes) components.securitySchemes = doc.components.securitySchemes;
  return components;
}

/** The contract reduced to one operation: what that operation's validator reads. */
export function operationDocument(doc: Json, path: string, method: string): Json {
  const item: Json = doc.paths[path];
  const pathItem: Json = { [method]: item[method] };
  if (item.parameters) pathItem.parameters = item.parameters;
  const { tags: _tags, paths: _paths, components: _components, ...head } = doc;
  return structuredClone({
    ...head,
    paths: { [path]: pathItem },
    components: referencedComponents(doc, pathItem),
  });
}

/**
 * The validator of one operation, for its route: a request an earlier matching route already validated (as
 * another operation) passes; the handler's own check (src/api/router.ts) then refuses the mismatch.
 */
export function operationValidator(doc: Json, path: string, method: string, options: ValidatorOptions): RequestHandler {
  // Made at the operation's first request: each validator compiles the OpenAPI meta-schema as it is made (some tens
  // of milliseconds), which for every operation at once would slow each start by seconds.
  let chain: RequestHandler | undefined;
  return (req, res, next) => {
    if (validated(req)) return next();
    chain ??= inSequence(
      OpenApiValidator.middleware({ ...options, apiSpec: operationDocument(doc, path, method) as never }),
    );
    chain(req, res, next);
  };
}

/** The whole contract's validator, for requests no operation's route took. */
export function contractValidator(doc: Json, options: ValidatorOptions): RequestHandler {
  const chain = inSequence(OpenApiValidator.middleware({ ...options, apiSpec: structuredClone(doc) as never }));
  return (req, res, next) => (validated(req) ? next() : chain(req, res, next));
}
