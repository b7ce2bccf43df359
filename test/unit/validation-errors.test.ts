import { describe, expect, it } from 'vitest';
import { mapValidationFailure } from '../../src/api/middleware/validation-errors.js';

const op = (extra: Record<string, unknown> = {}) => ({
  'x-error-scope': 'identity.user',
  responses: { '201': {}, '400': {}, '422': {} },
  requestBody: {
    content: {
      'application/json': {
        schema: {
          properties: {
            email: { type: 'string', minLength: 1 },
            username: { type: 'string' },
            age: { type: 'integer' },
          },
        },
      },
    },
  },
  parameters: [{ name: 'topic', in: 'path', schema: { type: 'string' }, 'x-error-key': 'resource.user.wrong_topic' }],
  ...extra,
});

describe('mapValidationFailure', () => {
  it('missing non-blank parameter gives missing_ and empty_, 400 when listed', () => {
    const e = mapValidationFailure(
      [{ path: '/body/email', errorCode: 'required.openapi.validation' }],
      { operation: op() },
      { body: {} },
    );
    expect(e.status).toBe(400);
    expect(e.keys).toEqual(['identity.user.missing_email', 'identity.user.empty_email']);
  });

  it('missing parameter answers 422 where the operation lists no 400', () => {
    const e = mapValidationFailure(
      [{ path: '/body/username', errorCode: 'required.openapi.validation' }],
      { operation: op({ responses: { '201': {}, '422': {} } }) },
      { body: {} },
    );
    expect(e.status).toBe(422);
    expect(e.keys).toEqual(['identity.user.missing_username']);
  });

  it('blank value gives empty_', () => {
    const e = mapValidationFailure(
      [{ path: '/body/email', errorCode: 'minLength.openapi.validation' }],
      { operation: op() },
      { body: { email: '  ' } },
    );
    expect(e.keys).toEqual(['identity.user.empty_email']);
  });

  it('invalid values answer 422 with invalid_ / non_integer_ / the parameter’s own key', () => {
    const e = mapValidationFailure(
      [
        { path: '/body/email', errorCode: 'format.openapi.validation' },
        { path: '/body/age', errorCode: 'type.openapi.validation' },
        { path: '/params/topic', errorCode: 'enum.openapi.validation' },
        { path: '/query/page', errorCode: 'type.openapi.validation' },
        { path: '/query/limit', errorCode: 'maximum.openapi.validation' },
      ],
      { operation: op() },
      { body: { email: 'x' } },
    );
    expect(e.status).toBe(422);
    expect(e.keys).toEqual([
      'identity.user.invalid_email',
      'identity.user.non_integer_age',
      'resource.user.wrong_topic',
      'non_integer_page',
      'invalid_limit',
    ]);
  });

  it('a 400 listed for unreadable bodies only does not turn missing parameters into 400', () => {
    const e = mapValidationFailure(
      [{ path: '/body/username', errorCode: 'required.openapi.validation' }],
      { operation: op({ responses: { '201': {}, '400': { 'x-unreadable-body-only': true }, '422': {} } }) },
      { body: {} },
    );
    expect(e.status).toBe(422);
  });
});
