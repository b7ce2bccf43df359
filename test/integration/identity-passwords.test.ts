/**
 * Passwords beyond ASCII and beyond bcrypt's 72 bytes (security case 23), through sign-up, login and digests
 * imported from Barong (bcrypt). Passwords are normalised to Unicode NFC before they are checked, hashed or
 * verified (docs/security.md, "Passwords").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import bcrypt from 'bcryptjs';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser, uniqueEmail } from '../support/factories.js';

const API = '/api/v2/barong/identity';
/** 59 characters, 104 bytes of UTF-8, precomposed (NFC). */
const LONG = 'Ünïcödé-Pässwörd-42-' + 'ßéèêëàâäôöûüç'.repeat(3);
/** Its first 72 bytes, which end on a character boundary: all of it that bcrypt reads. */
const FIRST_72_BYTES = 'Ünïcödé-Pässwörd-42-ßéèêëàâäôöûüçßéèêëàâäôö';
const SHORT = 'Pässwörd-Ünï-42';
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ BARONG_LOGIN_MAX_ATTEMPTS: '100' });
  await createUser(t, { role: 'superadmin' }); // later sign-ups are ordinary members
});
afterAll(async () => {
  await t?.close();
});

const post = (path: string, body: Record<string, unknown>) =>
  request(t.app).post(`${API}${path}`).type('form').send(body);
const login = (email: string, password: string) => post('/sessions', { email, password });
const digestOf = async (id: number) => (await t.services.uow.repos.users.findById(id))!.passwordDigest;

it('the fixtures are what they say', () => {
  expect(Buffer.byteLength(LONG)).toBe(104);
  expect(Buffer.byteLength(FIRST_72_BYTES)).toBe(72);
  expect(LONG.startsWith(FIRST_72_BYTES)).toBe(true);
  expect(LONG.normalize('NFD')).not.toBe(LONG);
});

describe('argon2id (sign-up, login)', () => {
  it('a password of more than 72 bytes counts whole: its first 72 bytes, or another tail, do not log in', async () => {
    const email = uniqueEmail('long');
    await post('/users', { email, password: LONG }).expect(201);
    await login(email, LONG).expect(201);
    await login(email, FIRST_72_BYTES).expect(401);
    await login(email, `${FIRST_72_BYTES}ûüç-other-tail`).expect(401);
  });

  it('NFC and NFD spellings of a password are one password, whichever was used to sign up', async () => {
    const nfc = uniqueEmail('nfc');
    await post('/users', { email: nfc, password: LONG }).expect(201);
    await login(nfc, LONG.normalize('NFD')).expect(201);
    const nfd = uniqueEmail('nfd');
    await post('/users', { email: nfd, password: LONG.normalize('NFD') }).expect(201);
    await login(nfd, LONG).expect(201);
    await login(nfd, LONG.normalize('NFKD').replace(/\p{M}/gu, '')).expect(401); // accents are not dropped
  });
});

describe('bcrypt digests imported from Barong', () => {
  it('a non-ASCII password verifies, in either Unicode form, and is rehashed with argon2id', async () => {
    const user = await createUser(t);
    await t.services.uow.repos.users.update(user.id, { passwordDigest: bcrypt.hashSync(SHORT, 4) });
    await login(user.email, SHORT.normalize('NFD')).expect(201);
    expect(await digestOf(user.id)).toMatch(/^\$argon2id\$/);
    await login(user.email, SHORT).expect(201);
  });

  it('a digest Barong made from the decomposed spelling still verifies when typed that way', async () => {
    const user = await createUser(t);
    await t.services.uow.repos.users.update(user.id, { passwordDigest: bcrypt.hashSync(SHORT.normalize('NFD'), 4) });
    await login(user.email, SHORT.normalize('NFD')).expect(201);
    await login(user.email, SHORT).expect(201); // rehashed from the normal form
  });

  it('a digest of a password over 72 bytes verifies it once, and that login pins the whole password', async () => {
    const user = await createUser(t);
    const digest = bcrypt.hashSync(LONG, 4);
    expect(bcrypt.compareSync(FIRST_72_BYTES, digest)).toBe(true); // bcrypt's flaw: it reads 72 bytes only
    await t.services.uow.repos.users.update(user.id, { passwordDigest: digest });
    await login(user.email, LONG).expect(201);
    expect(await digestOf(user.id)).toMatch(/^\$argon2id\$/);
    // From now on the whole password counts: its first 72 bytes, or another tail, do not log in.
    for (const attempt of [FIRST_72_BYTES, `${FIRST_72_BYTES}anything`]) {
      expect((await login(user.email, attempt).expect(401)).body).toEqual({
        errors: ['identity.session.invalid_params'],
      });
    }
    await login(user.email, LONG).expect(201);
  });
});
