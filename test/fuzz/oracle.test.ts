/** The fuzzer's judge must be able to fail: each kind of bad answer is reported, a good one is not. */
import { describe, expect, it } from 'vitest';
import { contractOperations } from './generate.js';
import { Oracle } from './oracle.js';

const { operations } = contractOperations();
const op = (id: string) => operations.find((o) => o.id === id)!;
const oracle = new Oracle();
const json = 'application/json; charset=utf-8';

describe('the fuzzer’s oracle', () => {
  it('passes an answer the contract describes', () => {
    expect(
      oracle.judge(op('publicPing'), 'get', false, { status: 200, contentType: json, text: '{"ping":"pong"}' }),
    ).toEqual([]);
    expect(
      oracle.judge(op('createUser'), 'post', false, {
        status: 400,
        contentType: json,
        text: '{"errors":["identity.user.invalid_body"]}',
      }),
    ).toEqual([]);
  });

  it('reports a 5xx, with or without a Barong body', () => {
    expect(
      oracle.judge(op('publicPing'), 'get', false, {
        status: 500,
        contentType: json,
        text: '{"errors":["server.internal_error"]}',
      }),
    ).toContain('server error 500');
    expect(
      oracle.judge(op('publicPing'), 'get', true, { status: 502, contentType: 'text/html', text: '<h1>' }),
    ).toContain('server error 502');
  });

  it('reports a 4xx whose body is not {"errors":[<keys>]}', () => {
    const bad = 'error body is not {"errors":[<keys>]}';
    for (const text of [
      '',
      'Bad Request',
      '{"error":"x"}',
      '{"errors":[]}',
      '{"errors":[1]}',
      '{"errors":["x"],"more":1}',
    ]) {
      expect(oracle.judge(op('createUser'), 'post', true, { status: 400, contentType: json, text })).toContain(bad);
    }
    expect(
      oracle.judge(op('createUser'), 'post', true, {
        status: 400,
        contentType: 'text/plain',
        text: '{"errors":["x"]}',
      }),
    ).toContain(bad);
  });

  it('reports an answer that breaks the contract: an undocumented status, a body off its schema', () => {
    expect(
      oracle.judge(op('publicPing'), 'get', false, { status: 409, contentType: json, text: '{"errors":["x"]}' }),
    ).toContain('status 409 is not documented for publicPing');
    const wrongBody = oracle.judge(op('getIdentityTime'), 'get', false, {
      status: 200,
      contentType: json,
      text: '{"time":"noon"}',
    });
    expect(wrongBody.join()).toMatch(/body breaks the contract/);
    const wrongRef = oracle.judge(op('getMe'), 'get', false, { status: 200, contentType: json, text: '{"email":1}' });
    expect(wrongRef.join()).toMatch(/body breaks the contract/);
  });

  it('reports routing that refuses the contract’s own spelling, and takes it for a respelled path', () => {
    const notFound = { status: 404, contentType: json, text: '{"errors":["route.not_found"]}' };
    expect(oracle.judge(op('getMe'), 'get', false, notFound).join()).toMatch(/routing refused/);
    expect(oracle.judge(op('getMe'), 'get', true, notFound)).toEqual([]);
  });
});
