/**
 * GET /resource/swagger_doc and /resource/swagger_doc/{name}: the published Swagger 2.0 document, whole or
 * narrowed to one API (`identity`, `resource`, `public`) or one mounted resource (`labels`, `api_keys` …).
 */
import { notFound } from '../../errors/app-error.js';
import type { Contract } from '../contract.js';
import type { Handler } from '../types.js';
import type { Json } from '../../lib/json.js';

function pathMatches(path: string, name: string): boolean {
  const [area, resource] = path.split('/').filter(Boolean);
  return area === name || resource === name;
}

export function narrowDocument(swagger: Json, name: string): Json | undefined {
  const paths = Object.fromEntries(Object.entries<Json>(swagger.paths).filter(([p]) => pathMatches(p, name)));
  if (Object.keys(paths).length === 0) return undefined;
  return { ...swagger, paths };
}

export function createDocsHandlers(contract: Contract) {
  const getSwaggerDoc: Handler<'getSwaggerDoc'> = () => ({ status: 200, body: contract.swagger });
  const getSwaggerDocByName: Handler<'getSwaggerDocByName'> = (req) => {
    const doc = narrowDocument(contract.swagger, req.params.name);
    if (!doc) throw notFound('record.not_found');
    return { status: 200, body: doc };
  };
  return { getSwaggerDoc, getSwaggerDocByName };
}
