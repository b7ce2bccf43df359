/** Barong's tables in the order they are imported: what others point at comes first. */
import type { TableSpec } from '../table-spec.js';
import { labels, levels, permissions, restrictions } from './access.js';
import { serviceAccounts, users } from './accounts.js';
import { apiKeys } from './api-keys.js';
import { documents, phones, profiles } from './kyc.js';
import { activities, comments, dataStorages } from './records.js';

export const IMPORTED_TABLES: readonly TableSpec[] = [
  levels,
  permissions,
  restrictions,
  users,
  serviceAccounts,
  labels,
  profiles,
  phones,
  documents,
  apiKeys,
  activities,
  comments,
  dataStorages,
];
