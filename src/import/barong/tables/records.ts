/** Activities, admin comments and users' data storages: copied column for column. */
import { perRow, plain, timestamps, TIMESTAMPS } from '../table-spec.js';

/** Barong's activities.created_at may be NULL; ours may not: such rows keep the epoch and a note says so. */
const UNKNOWN_TIME = '1970-01-01 00:00:01';

export const activities = perRow(
  {
    source: 'activities',
    target: 'activities',
    columns: [
      'id',
      'user_id',
      'target_uid',
      'category',
      'user_ip',
      'user_ip_country',
      'user_agent',
      'topic',
      'action',
      'result',
      'data',
      'created_at',
    ],
    checksum: ['id', 'user_id', 'target_uid', 'category', 'topic', 'action', 'result', 'created_at'],
  },
  (r, ctx, mode) => {
    if (r.created_at === null && mode === 'import')
      ctx.problems.add({
        table: 'activities',
        id: Number(r.id),
        column: 'created_at',
        reason: `no time in Barong; imported as ${UNKNOWN_TIME}`,
        note: true,
      });
    return {
      id: Number(r.id),
      user_id: Number(r.user_id),
      target_uid: plain(r.target_uid),
      category: r.category === null ? 'user' : String(r.category),
      user_ip: String(r.user_ip),
      user_ip_country: plain(r.user_ip_country),
      user_agent: String(r.user_agent),
      topic: String(r.topic),
      action: String(r.action),
      result: String(r.result),
      data: plain(r.data),
      created_at: r.created_at === null ? UNKNOWN_TIME : String(r.created_at),
    };
  },
);

export const comments = perRow(
  {
    source: 'comments',
    target: 'comments',
    columns: ['id', 'user_id', 'author_uid', 'title', 'data', ...TIMESTAMPS],
    checksum: ['id', 'user_id', 'author_uid', 'title', 'data'],
  },
  (r) => ({
    id: Number(r.id),
    user_id: Number(r.user_id),
    author_uid: String(r.author_uid),
    title: String(r.title),
    data: String(r.data),
    ...timestamps(r),
  }),
);

export const dataStorages = perRow(
  {
    source: 'data_storages',
    target: 'data_storages',
    columns: ['id', 'user_id', 'title', 'data', ...TIMESTAMPS],
    checksum: ['id', 'user_id', 'title', 'data'],
  },
  (r) => ({
    id: Number(r.id),
    user_id: Number(r.user_id),
    title: String(r.title),
    data: String(r.data),
    ...timestamps(r),
  }),
);
