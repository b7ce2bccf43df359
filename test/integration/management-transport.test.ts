/** The management API's transport: Barong's checks and messages, signatures per scope, off without a configuration. */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { MANAGEMENT, managementKeys } from '../support/management-client.js';

const keys = managementKeys({
  tools: { permitted_signers: ['applogic', 'peatio'], mandatory_signers: ['applogic', 'peatio'] },
});

describe('management API transport', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ BARONG_MANAGEMENT_API_CONFIG: keys.file });
  });
  afterAll(() => t?.close());

  const post = (path: string) =>
    request(t.app)
      .post(MANAGEMENT + path)
      .set('Content-Type', 'application/json');

  it('answers a request every mandatory signer signed, under either base', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await post('/timestamp')
      .send(await keys.sign({}, ['applogic', 'peatio']))
      .expect(200);
    expect(res.body.timestamp).toBeGreaterThanOrEqual(before);
    await request(t.app)
      .post('/api/v2/management/timestamp')
      .set('Content-Type', 'application/json')
      .send(await keys.sign({}, ['applogic', 'peatio']))
      .expect(200);
  });

  it("refuses what Barong's transport refuses, with Barong's messages, before any signature is read", async () => {
    await request(t.app).get(`${MANAGEMENT}/timestamp`).expect(405, { error: 'Only POST and PUT verbs are allowed.' });
    await request(t.app)
      .delete(`${MANAGEMENT}/timestamp`)
      .expect(405, { error: 'Only POST and PUT verbs are allowed.' });
    await post('/timestamp?x=1').send({}).expect(400, { error: 'Query parameters are not allowed.' });
    await request(t.app)
      .post(`${MANAGEMENT}/timestamp`)
      .set('Content-Type', 'text/plain')
      .send('{}')
      .expect(400, { error: 'Only JSON body is accepted.' });
    await request(t.app)
      .post(`${MANAGEMENT}/timestamp`)
      .set('Content-Type', 'application/json; charset=utf-8')
      .send('{}')
      .expect(400, { error: 'Only JSON body is accepted.' });
    await post('/timestamp').send('{"payload": ').expect(400, { error: "Couldn't parse JWT." });
  });

  it('refuses a bad or missing signature, a missing mandatory signer and a replay', async () => {
    await post('/timestamp')
      .send({ payload: 'e30', signatures: [{ protected: 'e30', header: { kid: 'applogic' }, signature: 'AAAA' }] })
      .expect(401, { error: 'Failed to verify JWT.' });
    await post('/timestamp')
      .send(await keys.sign({}, ['applogic']))
      .expect(401, { error: 'Not enough signatures for the action.' });
    const signed = await keys.sign({}, ['applogic', 'peatio']);
    await post('/timestamp').send(signed).expect(200);
    await post('/timestamp').send(signed).expect(401, { error: 'Failed to verify JWT.' });
  });

  it('answers a path it does not have in the same format', async () => {
    await post('/no_such_thing')
      .send(await keys.sign({}, ['applogic']))
      .expect(404, { error: 'Not Found' });
  });

  it('translates validation failures of the signed data into Grape’s wording', async () => {
    const res = await post('/labels').send(await keys.sign({}, ['applogic']));
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: 'user_uid is missing, user_uid is empty, key is missing, key is empty, value is missing, value is empty',
    });
  });

  it('keeps the gateway refusing browser traffic to the management API', async () => {
    const res = await request(t.app).get('/api/v2/barong/auth/api/v2/barong/management/timestamp');
    expect(res.status).toBe(401);
  });
});

describe('management API without a configuration', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('answers 404 on every management path', async () => {
    const body = await keys.sign({}, ['applogic', 'peatio']);
    const res = await request(t.app)
      .post(`${MANAGEMENT}/timestamp`)
      .set('Content-Type', 'application/json')
      .send(body)
      .expect(404);
    expect(res.body).toEqual({ error: 'The management API is not configured.' });
    await request(t.app).get(`${MANAGEMENT}/users/get`).expect(404);
  });
});
