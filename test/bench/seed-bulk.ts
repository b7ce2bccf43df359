/**
 * `npm run seed:bulk`: a database the size of a real exchange, to show the benchmark's costs do not grow with it.
 * Creates (when missing) and migrates the database DATABASE_NAME names, then adds BULK_USERS users (default
 * 1,000,000) and BULK_ACTIVITIES activity rows (default 10,000,000) spread over them, printing progress per chunk.
 *
 * Fast because the server makes the rows itself: `INSERT … SELECT` from MariaDB's SEQUENCE engine (`seq_1_to_N`),
 * a chunk per statement, with unique and foreign-key checks off for the session (the generated keys are unique by
 * construction and every activity's user_id is one of the users just made). Nothing goes through the app's
 * services, so no events, mails or outbox rows are made. Every user has the same password digest (BENCH_PASSWORD,
 * hashed once with the configured argon2id parameters): states cycle active, active, pending, banned; every tenth
 * user is level 1; e-mails are user<n>@bulk.example.com. `npm run bench` with BENCH_DATABASE=<name> then runs against it.
 *
 * Settings (environment): DATABASE_NAME (required, so the development database is never filled by accident),
 * BULK_USERS, BULK_ACTIVITIES, BULK_CHUNK (rows per statement, default 250,000). Refuses a database that already
 * holds bulk users. Prints the time taken and the rows per second of each table.
 */
import { performance } from 'node:perf_hooks';
import knex from 'knex';
import { loadConfig } from '../../src/config/index.js';
import { ensureDatabase } from '../../src/db/create-database.js';
import { knexConfig, migrationSource, seedSource } from '../../src/db/knex-config.js';
import { PasswordHasher } from '../../src/domain/password-hasher.js';
import { runBench } from './bench-server.js';
import { BENCH_PASSWORD } from './bench-users.js';

function count(name: string, fallback: number): number {
  const raw = process.env[name]?.replace(/[_,]/g, '');
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

const USERS = count('BULK_USERS', 1_000_000);
const ACTIVITIES = count('BULK_ACTIVITIES', 10_000_000);
const CHUNK = count('BULK_CHUNK', 250_000);
export const BULK_EMAIL_DOMAIN = 'bulk.example.com';

const fmt = (n: number) => n.toLocaleString('en-US');

/** Runs `insertChunk(from, to)` over 1..total in CHUNK steps, printing progress, rate and time left. */
async function inChunks(
  label: string,
  total: number,
  insertChunk: (from: number, to: number) => Promise<void>,
): Promise<number> {
  const started = performance.now();
  for (let from = 1; from <= total; from += CHUNK) {
    const to = Math.min(total, from + CHUNK - 1);
    await insertChunk(from, to);
    const seconds = (performance.now() - started) / 1000;
    const rate = to / seconds;
    const pct = ((to / total) * 100).toFixed(1).padStart(5);
    process.stdout.write(
      `${label}: ${fmt(to).padStart(12)} of ${fmt(total)} (${pct} %), ${fmt(Math.round(rate))} rows/s, ` +
        `${((total - to) / rate).toFixed(0)} s left\n`,
    );
  }
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  if (!process.env.DATABASE_NAME) throw new Error('DATABASE_NAME must name the database to fill (e.g. barong_bulk)');
  const config = loadConfig(process.env);
  await ensureDatabase(config.database);
  // One connection: the session settings below must hold for every statement.
  const db = knex({ ...knexConfig(config.database), pool: { min: 1, max: 1 } });
  try {
    await db.migrate.latest({ migrationSource });
    await db.seed.run({ seedSource });
    const [[existing]] = (await db.raw('SELECT COUNT(*) AS n FROM users WHERE email_key LIKE ?', [
      `%@${BULK_EMAIL_DOMAIN}`,
    ])) as [[{ n: number }]];
    if (Number(existing!.n) > 0)
      throw new Error(`${config.database.name} already holds ${existing!.n} bulk users: use a new DATABASE_NAME`);
    const digest = await new PasswordHasher(config.hashing).hash(BENCH_PASSWORD);
    await db.raw('SET SESSION unique_checks = 0, foreign_key_checks = 0');
    const [[{ base }]] = (await db.raw('SELECT COALESCE(MAX(id), 0) AS base FROM users')) as [[{ base: number }]];
    const firstId = Number(base) + 1;
    console.log(`seed:bulk into ${config.database.name}: ${fmt(USERS)} users, ${fmt(ACTIVITIES)} activities`);

    const usersS = await inChunks('users', USERS, (from, to) =>
      db.raw(
        `INSERT INTO users (id, uid, email, email_key, password_digest, role, level, otp, state, created_at, updated_at)
         SELECT ? + seq - 1,
                CONCAT('IDB', LPAD(HEX(seq), 9, '0')),
                CONCAT('user', seq, '@${BULK_EMAIL_DOMAIN}'),
                CONCAT('user', seq, '@${BULK_EMAIL_DOMAIN}'),
                ?, 'member', IF(seq % 10 = 0, 1, 0), 0,
                ELT(1 + seq % 4, 'active', 'active', 'pending', 'banned'),
                NOW() - INTERVAL (seq % 1000000) MINUTE, NOW()
         FROM seq_${from}_to_${to}`,
        [firstId, digest],
      ),
    );
    const activitiesS = await inChunks('activities', ACTIVITIES, (from, to) =>
      db.raw(
        `INSERT INTO activities (user_id, category, user_ip, user_agent, topic, action, result, data, created_at)
         SELECT ? + seq % ?, 'user',
                CONCAT('10.', seq % 256, '.', (seq DIV 256) % 256, '.', (seq DIV 65536) % 256),
                'Mozilla/5.0 (X11; Linux x86_64) bulk-seed',
                'session', ELT(1 + seq % 3, 'login', 'login', 'logout'),
                IF(seq % 20 = 0, 'failed', 'succeed'), NULL,
                NOW(3) - INTERVAL (seq % 31536000) SECOND
         FROM seq_${from}_to_${to}`,
        [firstId, USERS],
      ),
    );
    const rate = (n: number, s: number) => `${fmt(n)} in ${s.toFixed(0)} s (${fmt(Math.round(n / s))} rows/s)`;
    console.log(`done: users ${rate(USERS, usersS)}; activities ${rate(ACTIVITIES, activitiesS)}`);
  } finally {
    await db.destroy();
  }
}

runBench(main);
