/** Levels, permissions, restrictions and labels: copied column for column. */
import { perRow, plain, timestamps, TIMESTAMPS } from '../table-spec.js';

export const levels = perRow(
  {
    source: 'levels',
    target: 'levels',
    columns: ['id', 'key', 'value', 'description', ...TIMESTAMPS],
    checksum: ['id', 'key', 'value', 'description'],
  },
  // Barong allows a level without a value; ours does not: the empty string stands for it.
  (r) => ({
    id: Number(r.id),
    key: String(r.key),
    value: r.value === null ? '' : String(r.value),
    description: plain(r.description),
    ...timestamps(r),
  }),
);

export const permissions = perRow(
  {
    source: 'permissions',
    target: 'permissions',
    columns: ['id', 'action', 'role', 'verb', 'path', 'topic', ...TIMESTAMPS],
    checksum: ['id', 'action', 'role', 'verb', 'path', 'topic'],
  },
  (r) => ({
    id: Number(r.id),
    action: String(r.action),
    role: String(r.role),
    verb: String(r.verb),
    path: String(r.path),
    topic: plain(r.topic),
    ...timestamps(r),
  }),
);

export const restrictions = perRow(
  {
    source: 'restrictions',
    target: 'restrictions',
    columns: ['id', 'category', 'scope', 'value', 'code', 'state', ...TIMESTAMPS],
    checksum: ['id', 'category', 'scope', 'value', 'code', 'state'],
  },
  (r) => ({
    id: Number(r.id),
    category: String(r.category),
    scope: String(r.scope),
    value: String(r.value),
    code: plain(r.code),
    state: String(r.state),
    ...timestamps(r),
  }),
);

export const labels = perRow(
  {
    source: 'labels',
    target: 'labels',
    columns: ['id', 'user_id', 'key', 'value', 'scope', 'description', ...TIMESTAMPS],
    checksum: ['id', 'user_id', 'key', 'value', 'scope'],
  },
  (r) => ({
    id: Number(r.id),
    user_id: Number(r.user_id),
    key: String(r.key),
    value: String(r.value),
    scope: String(r.scope),
    description: plain(r.description),
    ...timestamps(r),
  }),
);
