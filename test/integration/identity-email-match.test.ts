/**
 * Which spellings of an e-mail address are the same account (docs/security.md, "E-mail addresses"): one normalisation (trim, Unicode
 * NFC, ASCII lower-case), then an exact comparison. MariaDB's accent- and width-insensitive collation must not
 * decide it: a look-alike address is another address, for every lookup (sign-up, login, reset, confirmation).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { linkIn, startMailHarness, type MailHarness } from '../support/mail.js';
import { createUser, uniqueEmail, STRONG_PASSWORD } from '../support/factories.js';

const API = '/api/v2/barong/identity';
let t: TestApp;
let mail: MailHarness;

beforeAll(async () => {
  t = await startTestApp();
  mail = await startMailHarness(t);
  await createUser(t, { role: 'superadmin' }); // later sign-ups are ordinary members
});
afterAll(async () => {
  await mail?.stop();
  await t?.close();
});

const post = (path: string, body: Record<string, unknown>) =>
  request(t.app).post(`${API}${path}`).set('User-Agent', 'vitest-browser/1.0').type('form').send(body);

/**
 * Spellings MariaDB's utf8mb4_unicode_ci treats as `email`, which are other mailboxes. (Not the KELVIN SIGN: it is
 * canonically equivalent to K, so NFC makes it the same address.)
 */
function lookAlikes(email: string): string[] {
  return [
    email.replace('k', '\uff4b'), // FULLWIDTH k
    email.replace('a', '\uff41'), // FULLWIDTH a
    email.replace('a', '\u00e1'), // á
    email.replace('e', '\u00e8'), // è
  ];
}

describe('UsersRepository.findByEmail', () => {
  it('finds the account under another ASCII case, Unicode form or surrounding spaces', async () => {
    const user = await createUser(t, { email: uniqueEmail('Ren\u00e9e') });
    const { users } = t.services.uow.repos;
    for (const spelling of [
      user.email.toUpperCase().replace('\u00c9', '\u00e9'),
      user.email.normalize('NFD'),
      `  ${user.email}\t`,
    ]) {
      expect((await users.findByEmail(spelling))?.uid).toBe(user.uid);
    }
    const kate = await createUser(t, { email: uniqueEmail('kate') });
    expect((await users.findByEmail(kate.email.replace('k', '\u212a')))?.uid).toBe(kate.uid); // KELVIN SIGN ≡ K
  });

  it('never finds it under a look-alike spelling, nor a non-ASCII letter in another case', async () => {
    const user = await createUser(t, { email: uniqueEmail('kate.\u00e9') });
    const { users } = t.services.uow.repos;
    for (const spelling of [...lookAlikes(user.email), user.email.replace('\u00e9', '\u00c9')]) {
      expect(await users.findByEmail(spelling)).toBeUndefined();
    }
  });
});

describe('over HTTP', () => {
  it('sign-up: a look-alike of a taken address is another address; the same address in upper case is taken', async () => {
    const existing = await createUser(t, { email: uniqueEmail('kate') });
    for (const email of lookAlikes(existing.email)) {
      const res = await post('/users', { email, password: STRONG_PASSWORD }).expect(201);
      expect(res.body).toMatchObject({ email, state: 'pending' });
      expect(res.body.uid).not.toBe(existing.uid);
    }
    expect(
      (await post('/users', { email: existing.email.toUpperCase(), password: STRONG_PASSWORD }).expect(422)).body,
    ).toEqual({
      errors: ['email.taken'],
    });
    expect(
      (await post('/users', { email: existing.email.normalize('NFD'), password: STRONG_PASSWORD }).expect(422)).body,
    ).toEqual({
      errors: ['email.taken'],
    });
  });

  it('login: a look-alike spelling with the right password is an unknown e-mail', async () => {
    const user = await createUser(t, { email: uniqueEmail('kate') });
    for (const email of lookAlikes(user.email)) {
      expect((await post('/sessions', { email, password: user.password }).expect(401)).body).toEqual({
        errors: ['identity.session.invalid_params'],
      });
    }
    await post('/sessions', { email: user.email.toUpperCase(), password: user.password }).expect(201);
  });

  it('reset and confirmation requests for a look-alike spelling mail nobody', async () => {
    const active = await createUser(t, { email: uniqueEmail('kate') });
    const pending = await createUser(t, { email: uniqueEmail('kate'), state: 'pending', level: 0 });
    for (const email of lookAlikes(active.email))
      await post('/users/password/generate_code', { email }).expect(201, {});
    for (const email of lookAlikes(pending.email)) await post('/users/email/generate_code', { email }).expect(201, {});
    // A login notice asked afterwards: the one mail worker delivers in order, so once it is here any mail the
    // requests above caused is here too.
    for (const user of [active, pending]) {
      await post('/sessions', { email: user.email, password: user.password }).expect(201);
      await mail.mailTo(user.email, /login/i);
    }
    const codeMails = mail.smtp.inbox.filter((m) => /Password reset|Registration/i.test(m.subject ?? ''));
    const addressees = codeMails.map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : ''));
    expect(addressees.filter((to) => to === active.email || to === pending.email)).toEqual([]);
  });

  it('a reset asked for another account whose address differs only in a non-ASCII letter’s case leaves this one’s link valid', async () => {
    const renee = await createUser(t, { email: uniqueEmail('ren\u00e9e') });
    const other = await createUser(t, { email: renee.email.replace('\u00e9', '\u00c9') });
    await post('/users/password/generate_code', { email: renee.email }).expect(201, {});
    const token = linkIn(await mail.mailTo(renee.email, /Password reset/i), 'reset_token').searchParams.get(
      'reset_token',
    )!;
    await post('/users/password/generate_code', { email: other.email }).expect(201, {});
    await mail.mailTo(other.email, /Password reset/i);
    const password = 'Another-Secret-77';
    await post('/users/password/confirm_code', {
      reset_password_token: token,
      password,
      confirm_password: password,
    }).expect(201);
    await post('/sessions', { email: renee.email, password }).expect(201);
  });

  it('an address whose normal form would not fit the column is invalid, never a 500', async () => {
    const presentationForm = '\ufb2c'; // one character that NFC spells with three
    const label = presentationForm.repeat(21);
    const email = `${label}@${[label, label, label].join('.')}.com`;
    expect((await post('/users', { email, password: STRONG_PASSWORD }).expect(422)).body).toEqual({
      errors: ['email.invalid'],
    });
  });
});
