/**
 * What the account views (UserWithFullInfo) show beside the user's row — the referrer's uid, labels, phones,
 * profiles, data storages — read by one statement. A query per table cost five round trips and, sent together,
 * five of the pool's connections per view: under load the pool's queue, not the work, set the pace (issue 14).
 * One statement is also one snapshot of the lists. `findByUid` reads the user's row in the same statement, for the
 * guard of GET /users/me (src/api/auth/user-guard.ts): the whole view in one round trip.
 *
 * Each list comes back as a JSON array the server builds (JSON_ARRAYAGG: MariaDB 10.5+, MySQL 8). MySQL ignores an
 * ORDER BY inside JSON_ARRAYAGG, so the lists are put in order here, as the tables' own repositories order them.
 * Datetimes travel as ISO strings of a fixed format (DATE_FORMAT, the session's time zone being UTC: see
 * knex-config.ts), since the two servers write a DATETIME inside JSON differently. MariaDB cuts a JSON_ARRAYAGG at
 * group_concat_max_len; knex-config.ts raises it for every connection.
 */
import type { Knex } from 'knex';
import type { Row } from '../row.js';
import { toLabel, type Label } from './labels-repository.js';
import type { PhoneRecord } from './phones-repository.js';
import { toProfile, type ProfileRecord } from './profiles-repository.js';
import { toDataStorage, type DataStorage } from './data-storages-repository.js';
import { toUser, type User } from './users-repository.js';

export interface AccountLists {
  referralUid: string | null;
  labels: Label[];
  phones: PhoneRecord[];
  profiles: ProfileRecord[];
  dataStorages: DataStorage[];
}

interface ListSpec {
  table: string;
  columns: string[];
  datetimes: string[];
}

const LABELS: ListSpec = {
  table: 'labels',
  columns: ['id', 'user_id', 'key', 'value', 'scope', 'description'],
  datetimes: ['created_at', 'updated_at'],
};
/** What the views show of a phone: never its code's digest or blind index. */
const PHONES: ListSpec = {
  table: 'phones',
  columns: ['id', 'country', 'number_encrypted'],
  datetimes: ['validated_at'],
};
const PROFILES: ListSpec = {
  table: 'profiles',
  columns: [
    'id',
    'author',
    'first_name_encrypted',
    'last_name_encrypted',
    'dob_encrypted',
    'address_encrypted',
    'postcode',
    'city',
    'country',
    'state',
    'metadata',
  ],
  datetimes: ['created_at', 'updated_at'],
};
const DATA_STORAGES: ListSpec = {
  table: 'data_storages',
  columns: ['id', 'user_id', 'title', 'data'],
  datetimes: ['created_at', 'updated_at'],
};

/** Milliseconds are what a Date holds, and what mysql2 reads of a DATETIME(3). */
const ISO_DATETIME = "'%Y-%m-%dT%H:%i:%s.%f'";

/** A list of the user whose id `owner` is (a placeholder, or the outer row's column). */
function listOf(spec: ListSpec, owner: string): string {
  const pairs = [
    ...spec.columns.map((c) => `'${c}', \`${c}\``),
    ...spec.datetimes.map((c) => `'${c}', DATE_FORMAT(\`${c}\`, ${ISO_DATETIME})`),
  ];
  return `(SELECT JSON_ARRAYAGG(JSON_OBJECT(${pairs.join(', ')})) FROM \`${spec.table}\` WHERE user_id = ${owner})`;
}

const lists = (owner: string) =>
  [
    `${listOf(LABELS, owner)} AS labels`,
    `${listOf(PHONES, owner)} AS phones`,
    `${listOf(PROFILES, owner)} AS profiles`,
    `${listOf(DATA_STORAGES, owner)} AS data_storages`,
  ].join(',\n  ');

/** Built once. Bound with the referrer's id, then the user's id once per list. */
const LISTS_OF_USER = `SELECT (SELECT uid FROM users WHERE id = ?) AS referral_uid,
  ${lists('?')}`;

/** Built once. The user's row (by uid, its unique index) and its lists: the view in one round trip. */
const ACCOUNT_BY_UID = `SELECT u.*, (SELECT r.uid FROM users r WHERE r.id = u.referral_id) AS referral_uid,
  ${lists('u.id')}
  FROM users u WHERE u.uid = ?`;

/** MySQL hands a JSON column over parsed, MariaDB as text; none when the user has no row in the table. */
function rowsOf(value: unknown, spec: ListSpec): Row[] {
  if (value === null || value === undefined) return [];
  const rows = (typeof value === 'string' ? JSON.parse(value) : value) as Row[];
  for (const row of rows) {
    for (const c of spec.datetimes) row[c] = row[c] === null ? null : new Date(`${String(row[c]).slice(0, 23)}Z`);
  }
  return rows;
}

const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;

function toLists(r: Row): AccountLists {
  return {
    referralUid: r.referral_uid ?? null,
    // As LabelsRepository.listByUser: oldest first, the id breaking ties.
    labels: rowsOf(r.labels, LABELS)
      .map(toLabel)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id),
    phones: rowsOf(r.phones, PHONES)
      .map((p) => ({
        id: Number(p.id),
        country: p.country,
        numberEncrypted: p.number_encrypted,
        validatedAt: p.validated_at,
      }))
      .sort(byId),
    profiles: rowsOf(r.profiles, PROFILES).map(toProfile).sort(byId),
    dataStorages: rowsOf(r.data_storages, DATA_STORAGES).map(toDataStorage).sort(byId),
  };
}

export class AccountDetailsRepository {
  constructor(private readonly db: Knex) {}

  /** The lists of a user whose row the caller has; the referrer is the one `referralId` names. */
  async forUser(userId: number, referralId: number | null): Promise<AccountLists> {
    const [[r]] = (await this.db.raw(LISTS_OF_USER, [referralId, userId, userId, userId, userId])) as [[Row]];
    return toLists(r!);
  }

  /** The user with the uid, and its lists, read together; undefined when there is none. */
  async findByUid(uid: string): Promise<(AccountLists & { user: User }) | undefined> {
    const [[r]] = (await this.db.raw(ACCOUNT_BY_UID, [uid])) as [[Row | undefined]];
    return r ? { user: toUser(r), ...toLists(r) } : undefined;
  }
}
