import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { operationsOf } from '../../src/api/contract.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe.each(['identity', 'public'])('/%s general endpoints', (area) => {
  const base = `/api/v2/barong/${area}`;

  it('ping answers pong', async () => {
    const res = await request(t.app).get(`${base}/ping`).expect(200);
    expect(res.body).toEqual({ ping: 'pong' });
  });

  it('time is the server unix time in seconds', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await request(t.app).get(`${base}/time`).expect(200);
    expect(res.body.time).toBeGreaterThanOrEqual(before);
    expect(res.body.time).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('version reports the package version and build', async () => {
    const res = await request(t.app).get(`${base}/version`).expect(200);
    expect(res.body).toEqual({
      git_tag: '2.6.49',
      git_sha: expect.any(String),
      build_date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      version: '2.6.49',
    });
  });

  it('configs expose the settings clients need', async () => {
    const res = await request(t.app).get(`${base}/configs`).expect(200);
    expect(res.body).toEqual({
      session_expire_time: 1800,
      captcha_type: 'none',
      phone_verification_type: 'mock',
      password_min_entropy: 20,
      password_regexp: '(?-mix:^(?=.*[[:lower:]])(?=.*[[:upper:]])(?=.*[[:digit:]])(?=.*[[:graph:]]).{8,80}$)',
    });
  });

  it('password/validate scores weak passwords below the minimum and strong ones above', async () => {
    const score = async (password: string) =>
      (await request(t.app).post(`${base}/password/validate`).type('form').send({ password }).expect(201)).body.entropy;
    for (const weak of ['Password1', 'Qwerty123']) expect(await score(weak)).toBeLessThan(20);
    for (const strong of ['testPassword111', 'Tecohvi0', 'ZahSh8ei', 'eeC2BiCucxWEQ', '0lDHd9ufs9t@']) {
      expect(await score(strong)).toBeGreaterThanOrEqual(20);
    }
  });

  it('password/validate takes JSON as well as a form', async () => {
    const res = await request(t.app).post(`${base}/password/validate`).send({ password: 'Tecohvi0' }).expect(201);
    expect(res.body.entropy).toBeGreaterThan(20);
  });

  it('password/validate without a password is a Barong-style error, not a 500', async () => {
    const res = await request(t.app).post(`${base}/password/validate`).type('form').send({});
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ errors: [`${area}.general.missing_password`] });
  });
});

describe('public/configs/auth0', () => {
  it('answers nulls when Auth0 is not configured', async () => {
    const res = await request(t.app).get('/api/v2/barong/public/configs/auth0').expect(200);
    expect(res.body).toEqual({ auth0_domain: null, auth0_client_id: null });
  });
});

describe('resource/swagger_doc', () => {
  it('publishes the whole Swagger 2.0 document', async () => {
    const res = await request(t.app).get('/api/v2/barong/resource/swagger_doc').expect(200);
    expect(res.body.swagger).toBe('2.0');
    expect(res.body.basePath).toBe('/api/v2/barong');
    // The seed's 58 operations, plus what this server adds (JWKS, the gateway authorizer): exactly the contract's.
    const published = operationsOf(res.body).map((o) => o.operation.operationId);
    expect(published).toEqual(operationsOf(t.services.contract.swagger).map((o) => o.operation.operationId));
    expect(published.length).toBeGreaterThanOrEqual(58);
    for (const id of ['createUser', 'createSession', 'getMe', 'createApiKey', 'uploadDocuments', 'kycCallback']) {
      expect(published).toContain(id);
    }
  });

  it('narrows the document to one API or one resource', async () => {
    const identity = await request(t.app).get('/api/v2/barong/resource/swagger_doc/identity').expect(200);
    expect(Object.keys(identity.body.paths).every((p) => p.startsWith('/identity/'))).toBe(true);
    const labels = await request(t.app).get('/api/v2/barong/resource/swagger_doc/labels?locale=en').expect(200);
    expect(Object.keys(labels.body.paths).sort()).toEqual(['/resource/labels', '/resource/labels/{key}']);
  });

  it('answers 404 for an API it does not have', async () => {
    const res = await request(t.app).get('/api/v2/barong/resource/swagger_doc/nothing').expect(404);
    expect(res.body).toEqual({ errors: ['record.not_found'] });
  });
});
