/**
 * What the account views (UserWithFullInfo) show beside the user's row — the referrer's uid, labels, phones,
 * profiles, data storages — read by one statement. A query per table cost five round trips and, sent together,
 * five of the pool's connections per view (issue 14). One statement is also one snapshot of the lists.
 * `findByUid` reads the user's row in the same statement, for the guard of GET /users/me
 * (src/api/auth/user-guard.ts): the whole view in one round trip.
 *
 * The statement is a UNION ALL of one branch per table, each row tagged with its table and its columns placed in
 * shared typed slots (numbers, strings, datetimes), then put back under their names for the tables' own mappers.
 * Not JSON_ARRAYAGG(JSON_OBJECT(…)): measured on MariaDB 10.11, that costs the server about five times the CPU of
 * these plain index reads. Numbers are cast to SIGNED in every branch: unsigned and signed BIGINTs in one slot would
 * make it DECIMAL, which mysql2 hands over as text. A UNION has no order, so the lists are put in the order of the
 * tables' own repositories here.
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

interface Branch {
  kind: string;
  table: string;
  numbers: string[];
  strings: string[];
  datetimes: string[];
}

const USER: Branch = {
  kind: 'user',
  table: 'users',
  numbers: ['id', 'level', 'otp', 'otp_last_step', 'referral_id'],
  strings: [
    'uid',
    'username',
    'email',
    'password_digest',
    'role',
    'data',
    'otp_secret_encrypted',
    'otp_vault_key',
    'state',
    'admin_state',
  ],
  datetimes: ['created_at', 'updated_at'],
};
const REFERRER: Branch = { kind: 'referrer', table: 'users', numbers: [], strings: ['uid'], datetimes: [] };
const LABELS: Branch = {
  kind: 'label',
  table: 'labels',
  numbers: ['id', 'user_id'],
  strings: ['key', 'value', 'scope', 'description'],
  datetimes: ['created_at', 'updated_at'],
};
/** What the views show of a phone: never its code's digest or blind index. */
const PHONES: Branch = {
  kind: 'phone',
  table: 'phones',
  numbers: ['id'],
  strings: ['country', 'number_encrypted'],
  datetimes: ['validated_at'],
};
const PROFILES: Branch = {
  kind: 'profile',
  table: 'profiles',
  numbers: ['id', 'state'],
  strings: [
    'author',
    'first_name_encrypted',
    'last_name_encrypted',
    'dob_encrypted',
    'address_encrypted',
    'postcode',
    'city',
    'country',
    'metadata',
  ],
  datetimes: ['created_at', 'updated_at'],
};
const DATA_STORAGES: Branch = {
  kind: 'data_storage',
  table: 'data_storages',
  numbers: ['id', 'user_id'],
  strings: ['title', 'data'],
  datetimes: ['created_at', 'updated_at'],
};

const ALL = [USER, REFERRER, LABELS, PHONES, PROFILES, DATA_STORAGES];
const width = (pick: (b: Branch) => string[]) => Math.max(...ALL.map((b) => pick(b).length));
const SLOTS = { n: width((b) => b.numbers), s: width((b) => b.strings), d: width((b) => b.datetimes) };

function slots(prefix: keyof typeof SLOTS, columns: string[], cast: (c: string) => string): string[] {
  return Array.from({ length: SLOTS[prefix] }, (_, i) =>
    i < columns.length ? `${cast(`\`${columns[i]}\``)} AS ${prefix}${i}` : `NULL AS ${prefix}${i}`,
  );
}

/** One branch: the table's rows `where` selects, in the shared slots. */
function branch(b: Branch, where: string): string {
  const columns = [
    `'${b.kind}' AS kind`,
    ...slots('n', b.numbers, (c) => `CAST(${c} AS SIGNED)`),
    ...slots('s', b.strings, (c) => c),
    ...slots('d', b.datetimes, (c) => c),
  ];
  return `SELECT ${columns.join(', ')} FROM \`${b.table}\` WHERE ${where}`;
}

const LISTS = [LABELS, PHONES, PROFILES, DATA_STORAGES];

/** Built once. Bound with the referrer's id, then the user's id once per list. */
const LISTS_OF_USER = [branch(REFERRER, 'id = ?'), ...LISTS.map((b) => branch(b, 'user_id = ?'))].join('\nUNION ALL ');

/** Built once. Bound with the uid once per branch; each list finds the user's id by the uid's unique index. */
const OWNER = '(SELECT id FROM users WHERE uid = ?)';
const ACCOUNT_BY_UID = [
  branch(USER, 'uid = ?'),
  branch(REFERRER, 'id = (SELECT referral_id FROM users WHERE uid = ?)'),
  ...LISTS.map((b) => branch(b, `user_id = ${OWNER}`)),
].join('\nUNION ALL ');

/** Each branch's columns with the slot each is read from: the names are made once, not per row. */
const PLACES = new Map(
  ALL.map((b) => [
    b.kind,
    [
      ...b.numbers.map((c, i) => [c, `n${i}`]),
      ...b.strings.map((c, i) => [c, `s${i}`]),
      ...b.datetimes.map((c, i) => [c, `d${i}`]),
    ] as [string, string][],
  ]),
);

/** The statement's rows by kind, each back under its table's column names; one pass over the rows. */
function unslotted(rows: Row[]): Map<string, Row[]> {
  const byKind = new Map<string, Row[]>(ALL.map((b) => [b.kind, []]));
  for (const r of rows) {
    const places = PLACES.get(r.kind as string);
    if (!places) continue;
    const row: Row = {};
    for (const [column, slot] of places) row[column] = r[slot];
    byKind.get(r.kind as string)!.push(row);
  }
  return byKind;
}

const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;

function toLists(byKind: Map<string, Row[]>): AccountLists {
  const rowsOf = (b: Branch) => byKind.get(b.kind)!;
  return {
    referralUid: rowsOf(REFERRER)[0]?.uid ?? null,
    // As LabelsRepository.listByUser: oldest first, the id breaking ties.
    labels: rowsOf(LABELS)
      .map(toLabel)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id),
    phones: rowsOf(PHONES)
      .map((p) => ({
        id: Number(p.id),
        country: p.country,
        numberEncrypted: p.number_encrypted,
        validatedAt: p.validated_at,
      }))
      .sort(byId),
    profiles: rowsOf(PROFILES).map(toProfile).sort(byId),
    dataStorages: rowsOf(DATA_STORAGES).map(toDataStorage).sort(byId),
  };
}

export class AccountDetailsRepository {
  constructor(private readonly db: Knex) {}

  /** The lists of a user whose row the caller has; the referrer is the one `referralId` names. */
  async forUser(userId: number, referralId: number | null): Promise<AccountLists> {
    const [rows] = (await this.db.raw(LISTS_OF_USER, [referralId, ...LISTS.map(() => userId)])) as [Row[]];
    return toLists(unslotted(rows));
  }

  /** The user with the uid, and its lists, read together; undefined when there is none. */
  async findByUid(uid: string): Promise<(AccountLists & { user: User }) | undefined> {
    const [rows] = (await this.db.raw(ACCOUNT_BY_UID, [uid, uid, ...LISTS.map(() => uid)])) as [Row[]];
    const byKind = unslotted(rows);
    const [user] = byKind.get(USER.kind)!;
    return user ? { user: toUser(user), ...toLists(byKind) } : undefined;
  }
}
