/**
 * The build step behind `npm run generate`. The hand-edited contracts are Swagger 2.0 documents, one per API as
 * Barong publishes them: `openapi/barong.yaml` (identity, resource, public), `openapi/admin.yaml` and
 * `openapi/management.yaml`. From them
 * this script derives, never by hand, one OpenAPI 3 document whose paths are all relative to barong.yaml's base
 * (an admin path `/users` becomes `/admin/users`):
 *   src/generated/barong.oas3.json  OpenAPI 3 for express-openapi-validator and openapi-typescript
 *   src/generated/api.ts            TypeScript types (openapi-typescript)
 * Dredd reads the Swagger 2.0 source itself, so it sends real form and multipart bodies and validates every
 * response body against its JSON Schema.
 *
 * The fix-ups after swagger2openapi, each because Swagger 2.0 cannot say it:
 *   - query parameters allow reserved characters (`allowReserved`), as encodeURIComponent leaves `!'()*` raw;
 *   - request bodies are inlined per operation (swagger2openapi shares them under components);
 *   - every form operation also accepts `application/json` with the same schema (real clients send JSON);
 *   - a form whose every field has a default may be left out (`requestBody.required: false`), as Grape takes a
 *     POST without a body there (POST /admin/restrictions/whitelink);
 *   - the session security scheme becomes a cookie (`in: cookie`), Swagger 2.0 only knows headers;
 *   - `upload` file fields on multipart operations accept one file or several (Barong's `upload[]`): the validator
 *     sees one file as a single value and several as an array;
 *   - `captcha_response` is a string (reCAPTCHA token) or an object of strings (GeeTest's geetest_challenge,
 *     geetest_validate, geetest_seccode; as a form `captcha_response[geetest_challenge]=…`, read with qs'
 *     extended parsing), as Barong's `types: [String, Hash]`; the source says `type: string` because Swagger 2.0
 *     has no oneOf. Anything else (an array, a nested object) fails validation with the parameter's x-error-key;
 *     the captcha verifier decides which of the two shapes the configured captcha needs;
 *   - every operation documents the cross-cutting server answers 500 and 501 with the Errors schema,
 *     and operations with a body 413 and 415, so response validation accepts them and nothing else;
 *   - every operation but the gateway authorizer's documents the IP restrictions' default answers (401, 403, 423,
 *     471, `authz.restrict.<category>`) where it does not document that status already; the source says so once,
 *     in `info.description`, rather than on 59 operations.
 *   - every operation documents 422: the validator refuses a query parameter the operation does not take, or a
 *     value of the wrong type, even where Barong's description lists no 422 (the contract fuzzer sends both).
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import * as yaml from 'js-yaml';
import swagger2openapi from 'swagger2openapi';
import openapiTS, { astToString } from 'openapi-typescript';
import type { Json } from '../src/lib/json.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const SOURCE = path.join(root, 'openapi/barong.yaml');
/** The other APIs' documents, merged into the derived OpenAPI 3 under their own base paths. */
export const API_SOURCES = [path.join(root, 'openapi/admin.yaml'), path.join(root, 'openapi/management.yaml')];
const OAS3_OUT = path.join(root, 'src/generated/barong.oas3.json');
const TYPES_OUT = path.join(root, 'src/generated/api.ts');

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const FORM = 'application/x-www-form-urlencoded';
const MULTIPART = 'multipart/form-data';
const JSON_TYPE = 'application/json';
const ERRORS_REF = { $ref: '#/components/schemas/Errors' };
/** The management API answers errors as `{"error": "…"}` (Barong's Grape format). */
const MANAGEMENT_ERROR_REF = { $ref: '#/components/schemas/ManagementError' };

/** Barong's `captcha_response`: `types: [String, Hash]`. */
function captchaResponseSchema(prop: Json): Json {
  const { type: _type, example: _example, ...rest } = prop;
  return { ...rest, oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: { type: 'string' } }] };
}

function errorResponse(description: string, key: string, management = false): Json {
  const body = management
    ? { schema: MANAGEMENT_ERROR_REF, example: { error: key } }
    : { schema: ERRORS_REF, example: { errors: [key] } };
  return { description, content: { [JSON_TYPE]: body } };
}

/** IP restrictions answer on every operation (src/api/auth/restriction-guard.ts): Barong's default codes. */
const RESTRICTION_ANSWERS: [string, string, string][] = [
  ['401', 'Restricted client (`ip` or `all` restriction)', 'authz.restrict.blacklist'],
  ['403', 'Restricted client (`ip_subnet` restriction)', 'authz.restrict.blacklist'],
  ['423', 'Restricted client (`country` or `continent` restriction)', 'authz.restrict.blacklist'],
  ['471', 'Maintenance; a restriction may set its own 4xx or 5xx code instead', 'authz.restrict.maintenance'],
];

/** Shared by reference, so each operation costs one line of generated types per answer. */
function documentRestrictions(oas: Json, responses: Json): void {
  const shared: Json = ((oas.components ??= {}).responses ??= {});
  for (const [status, description, key] of RESTRICTION_ANSWERS) {
    shared[`Restricted${status}`] ??= errorResponse(description, key);
    responses[status] ??= { $ref: `#/components/responses/Restricted${status}` };
  }
}

/** A form whose every field has a default may be left out entirely: Grape fills the defaults in. */
function defaultsEveryField(schema: Json | undefined): boolean {
  const fields = Object.values<Json>(schema?.properties ?? {});
  return fields.length > 0 && !schema?.required?.length && fields.every((field) => 'default' in field);
}

export function fixUp(oas: Json): Json {
  const sharedBodies: Json = oas.components?.requestBodies ?? {};
  for (const pathItem of Object.values<Json>(oas.paths)) {
    for (const method of METHODS) {
      const op: Json | undefined = pathItem[method];
      if (!op) continue;
      // swagger2openapi shares form bodies through components/requestBodies; each operation gets its own copy.
      const ref: string | undefined = op.requestBody?.$ref;
      if (ref) op.requestBody = structuredClone(sharedBodies[ref.split('/').pop()!]);
      // Clients build query strings with encodeURIComponent, which leaves RFC 3986 sub-delims (! ' ( ) *) as they
      // are; without allowReserved the validator refuses e.g. a password containing `!`.
      for (const param of op.parameters ?? []) if (param.in === 'query') param.allowReserved = true;
      const content: Json | undefined = op.requestBody?.content;
      if (defaultsEveryField(content?.[FORM]?.schema)) op.requestBody.required = false;
      if (content?.[FORM] && !content[JSON_TYPE]) content[JSON_TYPE] = structuredClone(content[FORM]);
      for (const media of Object.values<Json>(content ?? {})) {
        const props: Json | undefined = media.schema?.properties;
        if (props?.captcha_response) props.captcha_response = captchaResponseSchema(props.captcha_response);
      }
      const multipartSchema: Json | undefined = content?.[MULTIPART]?.schema;
      for (const [name, prop] of Object.entries<Json>(multipartSchema?.properties ?? {})) {
        if (prop.format === 'binary') {
          multipartSchema!.properties[name] = {
            description: prop.description,
            oneOf: [
              { type: 'string', format: 'binary' },
              { type: 'array', items: { type: 'string', format: 'binary' }, minItems: 1 },
            ],
          };
        }
      }
      // The management API is called by the exchange's own services, not through the gateway: no IP restrictions.
      const management = Boolean(op['x-management-scope']);
      if (!op.tags?.includes('authz') && !management) documentRestrictions(oas, op.responses);
      const fail = (description: string, key: string) => errorResponse(description, key, management);
      op.responses['422'] ??= fail(
        'Validation errors (a parameter the operation does not take, or an invalid value)',
        management ? '<param> is invalid' : `${op['x-error-scope'] ?? 'request'}.invalid_<param>`,
      );
      op.responses['500'] ??= fail(
        'Unexpected server error',
        management ? 'Internal Server Error' : 'server.internal_error',
      );
      op.responses['501'] ??= fail('Not implemented yet', management ? 'Not Implemented' : 'server.not_implemented');
      if (content) {
        op.responses['413'] ??= fail(
          'Request body too large',
          management ? 'Request body is too large.' : 'request.payload_too_large',
        );
        op.responses['415'] ??= fail(
          'Unsupported media type',
          management ? 'Only JSON body is accepted.' : 'request.unsupported_media_type',
        );
      }
    }
  }
  if (oas.components) delete oas.components.requestBodies;
  const schemes: Json = oas.components?.securitySchemes ?? {};
  if (schemes.SessionCookie) {
    schemes.SessionCookie = { ...schemes.SessionCookie, in: 'cookie', name: '_barong_session' };
  }
  return oas;
}

export async function loadSwagger(file = SOURCE): Promise<Json> {
  return yaml.load(await readFile(file, 'utf8')) as Json;
}

export async function deriveOas3(swagger: Json): Promise<Json> {
  const { openapi } = await swagger2openapi.convertObj(structuredClone(swagger), { patch: true, warnOnly: false });
  return fixUp(openapi);
}

/** Adds `part`'s paths (re-based from `partBase` onto `base`) and components; a name used twice must mean one thing. */
export function mergeOas3(into: Json, part: Json, base: string, partBase: string): Json {
  if (!partBase.startsWith(`${base}/`)) throw new Error(`basePath ${partBase} is not under ${base}`);
  const prefix = partBase.slice(base.length);
  for (const [p, item] of Object.entries<Json>(part.paths)) {
    if (into.paths[prefix + p]) throw new Error(`path ${prefix + p} is in two documents`);
    into.paths[prefix + p] = item;
  }
  for (const [kind, entries] of Object.entries<Json>(part.components ?? {})) {
    const target: Json = ((into.components ??= {})[kind] ??= {});
    for (const [name, value] of Object.entries<Json>(entries)) {
      if (target[name] && JSON.stringify(target[name]) !== JSON.stringify(value)) {
        throw new Error(`components.${kind}.${name} differs between documents`);
      }
      target[name] = value;
    }
  }
  const tags = new Set((into.tags ?? []).map((t: Json) => t.name));
  into.tags = [...(into.tags ?? []), ...(part.tags ?? []).filter((t: Json) => !tags.has(t.name))];
  return into;
}

/** Every published document, derived and merged into one OpenAPI 3 document. */
export async function deriveContract(): Promise<Json> {
  const main = await loadSwagger();
  const oas3 = await deriveOas3(main);
  for (const file of API_SOURCES) {
    const swagger = await loadSwagger(file);
    mergeOas3(oas3, await deriveOas3(swagger), main.basePath, swagger.basePath);
  }
  return oas3;
}

async function main(): Promise<void> {
  const oas3 = await deriveContract();
  await mkdir(path.dirname(OAS3_OUT), { recursive: true });
  await writeFile(OAS3_OUT, `${JSON.stringify(oas3, null, 2)}\n`);
  const ast = await openapiTS(oas3 as Parameters<typeof openapiTS>[0], { rootTypes: true, emptyObjectsUnknown: true });
  const banner = '// Generated by `npm run generate` from openapi/barong.yaml and openapi/admin.yaml. Do not edit.\n';
  await writeFile(TYPES_OUT, banner + astToString(ast));
  console.log(`wrote ${path.relative(root, OAS3_OUT)} and ${path.relative(root, TYPES_OUT)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
