/**
 * A failed query never puts its bound values (password digests, e-mails, codes) into a log line (issue 8, item 11):
 * the production knex (src/db/knex.ts) against a real MariaDB, the production logger writing to a buffer, and the
 * API's own error handler, which logs every 500 with its error.
 */
import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnex, type Knex } from '../../src/db/knex.js';
import { isDuplicateEntry } from '../../src/db/mysql-errors.js';
import { createLogger } from '../../src/lib/logger.js';
import { errorHandler } from '../../src/api/middleware/error-handler.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const DIGEST = '$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0LXNhbHQ$SECRET-DIGEST-VALUE';
const EMAIL = 'secret.person@example.com';

let db: TestDatabase;
let knex: Knex;

beforeAll(async () => {
  db = await createTestDatabase();
  knex = createKnex(db.config);
});
afterAll(async () => {
  await knex?.destroy();
  await db?.destroy();
});

/** An app whose one route runs `query`, answered and logged by the real error handler; the log lines it wrote. */
async function logOf(query: () => Promise<unknown>): Promise<{ log: string; error: unknown }> {
  const lines: string[] = [];
  const logger = createLogger(
    'info',
    'barong',
    new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }),
  );
  let error: unknown;
  const app = express();
  app.get('/boom', async (_req, _res, next) => {
    try {
      await query();
    } catch (err) {
      error = err;
      next(err);
    }
  });
  app.use(errorHandler(logger));
  await request(app)
    .get('/boom')
    .expect(500, { errors: ['server.internal_error'] });
  return { log: lines.join(''), error };
}

const user = (email: string) => ({
  uid: `ID${Math.random().toString(16).slice(2, 12).toUpperCase()}`,
  email,
  email_key: email,
  password_digest: DIGEST,
});

describe('a failed query in the logs', () => {
  it('shows the statement with placeholders and the error code, never the bound values', async () => {
    const { log } = await logOf(() =>
      knex('users').where({ password_digest: DIGEST }).update({ no_such_column: EMAIL }),
    );
    expect(log).toContain('update `users` set `no_such_column` = ? where `password_digest` = ?');
    expect(log).toContain('ER_BAD_FIELD_ERROR');
    expect(log).not.toContain('SECRET-DIGEST-VALUE');
    expect(log).not.toContain(EMAIL);
  });

  it('leaves out the server message too, which quotes the value of a duplicate; the app still recognises it', async () => {
    await knex('users').insert(user(EMAIL));
    const { log, error } = await logOf(() => knex('users').insert(user(EMAIL)));
    expect(log).toContain('insert into `users` (`email`, `email_key`, `password_digest`, `uid`) values (?, ?, ?, ?)');
    expect(log).toContain('ER_DUP_ENTRY');
    expect(log).not.toContain('SECRET-DIGEST-VALUE');
    expect(log).not.toContain(EMAIL);
    expect(isDuplicateEntry(error, 'email')).toBe(true);
  });

  it('holds inside a transaction and for an error logged as the cause of another', async () => {
    const { log } = await logOf(async () => {
      try {
        await knex.transaction(async (trx) => {
          await trx('users').where({ email: EMAIL }).update({ password_digest: DIGEST });
          await trx('users').insert(user(EMAIL));
        });
      } catch (err) {
        throw new Error('could not save the account', { cause: err });
      }
    });
    expect(log).toContain('could not save the account');
    expect(log).toContain('insert into `users`');
    expect(log).not.toContain('SECRET-DIGEST-VALUE');
    expect(log).not.toContain(EMAIL);
  });
});
