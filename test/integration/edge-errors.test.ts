import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';
import { bearer } from '../support/account-client.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('errors at the edge', () => {
  it('malformed JSON is a 400 with the operation’s invalid_body key', async () => {
    const res = await request(t.app)
      .post('/api/v2/barong/public/password/validate')
      .set('Content-Type', 'application/json')
      .send('{"password": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: ['public.general.invalid_body'] });
  });

  it('an unknown route is a 404 with an errors body, inside and outside the API', async () => {
    for (const path of ['/api/v2/barong/identity/nowhere', '/nowhere']) {
      const res = await request(t.app).get(path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ errors: ['route.not_found'] });
    }
  });

  it('a wrong method is a 405 with an errors body', async () => {
    const res = await request(t.app).delete('/api/v2/barong/public/ping');
    expect(res.status).toBe(405);
    expect(res.body).toEqual({ errors: ['route.method_not_allowed'] });
  });

  it('an unsupported media type is a 415 with an errors body', async () => {
    const res = await request(t.app)
      .post('/api/v2/barong/public/password/validate')
      .set('Content-Type', 'text/plain')
      .send('password=x');
    expect(res.status).toBe(415);
    expect(res.body).toEqual({ errors: ['request.unsupported_media_type'] });
  });

  it('an empty required field is reported as empty', async () => {
    const res = await request(t.app)
      .post('/api/v2/barong/identity/users')
      .type('form')
      .send({ email: '', password: 'Tecohvi0-longer' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: ['identity.user.empty_email'] });
  });

  it('missing fields answer 400 where the operation lists a 400', async () => {
    const res = await request(t.app).post('/api/v2/barong/identity/users').type('form').send({});
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [
        'identity.user.missing_email',
        'identity.user.empty_email',
        'identity.user.missing_password',
        'identity.user.empty_password',
      ],
    });
  });

  it('a wrong type answers 422 with the parameter named', async () => {
    const token = await bearer(t, await createUser(t));
    const res = await request(t.app)
      .get('/api/v2/barong/resource/users/activity/all?page=abc')
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(422);
    expect(res.body.errors).toContain('non_integer_page');
  });

  it('the KYC webhook is refused as Barong refuses it with the local provider', async () => {
    const res = await request(t.app).post('/api/v2/barong/public/kyc');
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ errors: ['public.kyc.local_provider'] });
  });

  it('decides who is calling before what they sent: no credentials and a bad body is 401, not 422', async () => {
    const res = await request(t.app).put('/api/v2/barong/resource/users/me').send({ data: 42, extra: true });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: ['jwt.decode_and_verify'] });
    const upload = await request(t.app)
      .post('/api/v2/barong/resource/documents')
      .set('Content-Type', 'text/plain')
      .send('x');
    expect(upload.status).toBe(401);
  });

  it('an X-Forwarded-For entry that is no address (from a trusted hop) is not taken for the client: no 500', async () => {
    // Found by the contract fuzzer: the garbage reached the activity row's user_ip column and overflowed it.
    const user = await createUser(t);
    for (const forwarded of ['garbage', '1.1.1.1'.repeat(500), '999.1.1.1']) {
      await request(t.app)
        .post('/api/v2/barong/identity/users/password/generate_code')
        .set('X-Forwarded-For', forwarded)
        .send({ email: user.email })
        .expect(201);
    }
    await t.drainOutbox(); // the reset requests' activities are written by the relay
    const ips = await t.db.knex('activities').where({ user_id: user.id }).pluck('user_ip');
    expect(ips).toHaveLength(3);
    for (const ip of ips) expect(ip).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    const gateway = await request(t.app)
      .get('/api/v2/barong/auth/api/v2/barong/public/ping')
      .set('X-Forwarded-For', 'garbage');
    expect(gateway.status).toBe(200);
  });

  it('operator endpoints answer outside the contract', async () => {
    await request(t.app).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(t.app).get('/readyz').expect(200);
    expect(ready.body).toEqual({ status: 'ok', database: 'ok', redis: 'ok' });
    const metrics = await request(t.app).get('/metrics').expect(200);
    expect(metrics.text).toContain('barong_process_cpu_seconds_total');
  });
});
