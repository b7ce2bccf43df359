/**
 * Turns express-openapi-validator's failures into the error keys Barong's Grape validators make:
 *   missing required parameter  → `<scope>.missing_<param>` (and `<scope>.empty_<param>` too when the
 *                                 parameter may not be blank, i.e. declares minLength, as Barong's
 *                                 `allow_blank: false` does)
 *   empty parameter             → `<scope>.empty_<param>`
 *   any other invalid value     → `<scope>.invalid_<param>` (`non_integer_<param>` for integers; the bare
 *                                 pagination keys `non_integer_page`, `non_positive_page`, `invalid_limit` …)
 * A parameter may name its own key with `x-error-key` (e.g. `resource.user.wrong_topic`).
 * `<scope>` is the operation's `x-error-scope`. Missing or empty parameters answer 400 when the operation
 * lists a 400 (other than one for unreadable bodies only, `x-unreadable-body-only`), else 422; invalid values
 * answer 422.
 */
import { AppError } from '../../errors/app-error.js';
import { isErrorKey, validationKey, type ErrorKey, type ErrorScope } from '../../errors/error-keys.js';
import { errorScopeOf } from '../contract.js';
import type { Json } from '../../lib/json.js';

export interface ValidatorDetail {
  path?: string;
  message?: string;
  errorCode?: string;
}
export interface OperationInfo {
  operation: Json;
  contentType?: string;
}

const LOCATION: Record<string, string> = {
  body: 'body',
  query: 'query',
  params: 'path',
  headers: 'header',
  cookies: 'cookie',
};

function parameterSchema(op: Json, location: string, name: string, contentType?: string): Json | undefined {
  if (location === 'body') {
    const content: Json = op.requestBody?.content ?? {};
    const media = (contentType && content[contentType]) ?? Object.values<Json>(content)[0];
    return media?.schema?.properties?.[name];
  }
  const param = (op.parameters ?? []).find((p: Json) => p.name === name && p.in === LOCATION[location]);
  return param ? { ...param.schema, 'x-error-key': param['x-error-key'] ?? param.schema?.['x-error-key'] } : undefined;
}

const PAGINATION_KEYS: Record<string, Record<string, ErrorKey>> = {
  page: { type: 'non_integer_page', minimum: 'non_positive_page' },
  limit: { type: 'non_integer_limit', minimum: 'invalid_limit', maximum: 'invalid_limit' },
};

function invalidKey(scope: ErrorScope, name: string, rule: string, schema: Json | undefined): ErrorKey {
  const own = schema?.['x-error-key'];
  if (own && isErrorKey(own)) return own;
  const pagination = PAGINATION_KEYS[name]?.[rule];
  if (pagination) return pagination;
  if (rule === 'type' && schema?.type === 'integer') return validationKey(scope, 'non_integer', name);
  return validationKey(scope, 'invalid', name);
}

export function mapValidationFailure(
  details: ValidatorDetail[],
  info: OperationInfo | undefined,
  values: Record<string, Json | undefined>,
): AppError {
  const op = info?.operation ?? {};
  const scope = errorScopeOf(op);
  const keys: ErrorKey[] = [];
  let onlyPresence = true;
  for (const detail of details) {
    const [, location = '', name = '', ...rest] = (detail.path ?? '').split('/');
    const rule = (detail.errorCode ?? '').split('.')[0] ?? '';
    const schema = parameterSchema(op, location, name, info?.contentType);
    if (rest.length === 0 && rule === 'required') {
      keys.push(validationKey(scope, 'missing', name));
      if ((schema?.minLength ?? 0) >= 1) keys.push(validationKey(scope, 'empty', name));
    } else if (rest.length === 0 && rule === 'minLength' && String(values[location]?.[name] ?? '').trim() === '') {
      keys.push(validationKey(scope, 'empty', name));
    } else {
      onlyPresence = false;
      keys.push(invalidKey(scope, name || location, rule, schema));
    }
  }
  const unique = [...new Set(keys)];
  const listed400: Json | undefined = op.responses?.['400'];
  const status = onlyPresence && listed400 && !listed400['x-unreadable-body-only'] ? 400 : 422;
  return new AppError(status, unique.length ? unique : ['request.invalid']);
}
