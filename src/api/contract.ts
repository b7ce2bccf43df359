/** The published contract, read once at start: the Swagger 2.0 source and the OpenAPI 3 form derived from it. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';
import type { ErrorScope } from '../errors/error-keys.js';
import type { Json } from '../lib/json.js';

export interface Contract {
  /** openapi/barong.yaml as JSON: what swagger_doc publishes and Dredd reads. */
  swagger: Json;
  /** src/generated/barong.oas3.json: what the validator reads. */
  oas3: Json;
  basePath: string;
}

const SWAGGER_PATH = fileURLToPath(new URL('../../openapi/barong.yaml', import.meta.url));
const OAS3_PATH = fileURLToPath(new URL('../generated/barong.oas3.json', import.meta.url));

export function loadContract(): Contract {
  const swagger = yaml.load(readFileSync(SWAGGER_PATH, 'utf8')) as Json;
  const oas3 = JSON.parse(readFileSync(OAS3_PATH, 'utf8')) as Json;
  return { swagger, oas3, basePath: swagger.basePath ?? '/api/v2/barong' };
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

export interface ContractOperation {
  path: string;
  method: (typeof HTTP_METHODS)[number];
  operation: Json;
}

export function operationsOf(doc: Json): ContractOperation[] {
  const out: ContractOperation[] = [];
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) if (item[method]) out.push({ path, method, operation: item[method] });
  }
  return out;
}

/** The prefix of the keys the validator makes for an operation; the catalogue lists every one the contract names. */
export function errorScopeOf(operation: Json): ErrorScope {
  return operation['x-error-scope'] ?? 'request';
}
