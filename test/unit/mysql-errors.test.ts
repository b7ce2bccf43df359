import { describe, expect, it } from 'vitest';
import { UniqueViolation } from '../../src/db/db-errors.js';
import { translateMysqlError } from '../../src/db/mysql-errors.js';

const duplicate = (sqlMessage: string) =>
  Object.assign(new Error('insert - ER_DUP_ENTRY'), { code: 'ER_DUP_ENTRY', errno: 1062, sqlMessage });

describe('translateMysqlError', () => {
  it('reads the index from the end of the message, whatever the duplicate value says', () => {
    const error = translateMysqlError(
      duplicate("Duplicate entry 'x' for key 'index_users_on_uid'' for key 'index_users_on_username'"),
    );
    expect(error).toBeInstanceOf(UniqueViolation);
    expect(error).toMatchObject({ index: 'index_users_on_username', columns: ['username'] });
  });

  it("reads MySQL 8's `<table>.<index>` form as MariaDB's", () => {
    const error = translateMysqlError(
      duplicate("Duplicate entry '7-abc' for key 'phones.index_phones_on_user_id_and_number_index'"),
    );
    expect(error).toMatchObject({
      index: 'index_phones_on_user_id_and_number_index',
      columns: ['user_id', 'number_index'],
    });
  });

  it('keeps the driver error as the cause, and leaves other errors alone', () => {
    const raw = duplicate("Duplicate entry 'a' for key 'index_api_keys_on_kid'");
    expect((translateMysqlError(raw) as Error).cause).toBe(raw);
    const deadlock = Object.assign(new Error('deadlock'), { code: 'ER_LOCK_DEADLOCK' });
    expect(translateMysqlError(deadlock)).toBe(deadlock);
  });
});
