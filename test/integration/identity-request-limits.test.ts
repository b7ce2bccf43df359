/**
 * Per-IP limits on the anonymous requests that cost the server work: sign-up (an argon2 hash and a mail) and
 * password scoring (zxcvbn), both counted atomically in Redis before the work is done.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { uniqueEmail, STRONG_PASSWORD } from '../support/factories.js';

const API = '/api/v2/barong';
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    BARONG_SIGNUP_MAX_PER_IP: '10',
    BARONG_SIGNUP_WINDOW: '3600',
    BARONG_PASSWORD_VALIDATE_MAX_PER_IP: '5',
    BARONG_PASSWORD_VALIDATE_WINDOW: '3600',
  });
});
afterAll(async () => {
  await t?.close();
});

/** Loopback is a trusted proxy, so X-Forwarded-For is the client's address. */
const post = (path: string, ip: string, body: Record<string, unknown>) =>
  request(t.app).post(`${API}${path}`).set('X-Forwarded-For', ip).type('form').send(body);

describe('sign-up', () => {
  it('20 parallel sign-ups from one address with a limit of 10: exactly 10 are made, 10 get 429 with Retry-After', async () => {
    const emails = Array.from({ length: 20 }, () => uniqueEmail('flood'));
    const results = await Promise.all(
      emails.map((email) => post('/identity/users', '203.0.113.10', { email, password: STRONG_PASSWORD })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(10);
    for (const r of refused) {
      expect(r.body).toEqual({ errors: ['identity.user.too_many_requests'] });
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(Number((await t.db.knex('users').whereIn('email', emails).count({ n: '*' }))[0]!.n)).toBe(10);
  });

  it('a refused sign-up costs no password hash, and counts whatever its body', async () => {
    const ip = '203.0.113.11';
    for (let i = 0; i < 10; i++)
      await post('/identity/users', ip, { email: 'not-an-email', password: STRONG_PASSWORD }).expect(422);
    const hash = vi.spyOn(t.services.hasher, 'hash');
    try {
      await post('/identity/users', ip, { email: uniqueEmail('late'), password: STRONG_PASSWORD }).expect(429);
      expect(hash).not.toHaveBeenCalled();
    } finally {
      hash.mockRestore();
    }
  });

  it('another address keeps its own budget', async () => {
    for (let i = 0; i < 10; i++)
      await post('/identity/users', '203.0.113.12', { email: 'x', password: 'x' }).expect(422);
    await post('/identity/users', '203.0.113.12', { email: uniqueEmail('late'), password: STRONG_PASSWORD }).expect(
      429,
    );
    await post('/identity/users', '203.0.113.13', { email: uniqueEmail('other'), password: STRONG_PASSWORD }).expect(
      201,
    );
  });
});

describe('password/validate', () => {
  it('identity and public share one budget per address; past it 429 with Retry-After, in each scope', async () => {
    const ip = '203.0.113.20';
    for (let i = 0; i < 3; i++) await post('/identity/password/validate', ip, { password: 'Tecohvi0' }).expect(201);
    for (let i = 0; i < 2; i++) await post('/public/password/validate', ip, { password: 'Tecohvi0' }).expect(201);
    const identity = await post('/identity/password/validate', ip, { password: 'Tecohvi0' }).expect(429);
    expect(identity.body).toEqual({ errors: ['identity.general.too_many_requests'] });
    expect(Number(identity.headers['retry-after'])).toBeGreaterThan(0);
    const pub = await post('/public/password/validate', ip, { password: 'Tecohvi0' }).expect(429);
    expect(pub.body).toEqual({ errors: ['public.general.too_many_requests'] });
    await post('/public/password/validate', '203.0.113.21', { password: 'Tecohvi0' }).expect(201);
  });

  it('parallel requests never score more than the limit', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, () => post('/public/password/validate', '203.0.113.22', { password: 'Tecohvi0' })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(7);
  });
});
