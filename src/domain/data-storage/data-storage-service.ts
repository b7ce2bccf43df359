/**
 * Data storage: a user keeps small JSON documents under titles the operator allows
 * (BARONG_USER_STORAGE_TITLES), one per title. Each record adds the private label `<title>: recorded`.
 */
import type { User } from '../../db/repositories/users-repository.js';
import type { DataStorage } from '../../db/repositories/data-storages-repository.js';
import { unprocessable } from '../../errors/app-error.js';
import { UniqueViolation } from '../../db/db-errors.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { PrivateLabels } from '../labels/private-labels.js';
import { isValidLabelKey } from '../labels/public-labels.js';
import { eventUser, userLanguage } from '../accounts/event-user.js';
import type { ErrorKey } from '../../errors/error-keys.js';

export const DATA_STORAGE_MAX_LENGTH = 5120;
/** Titles that would collide with the system's own labels and records (Barong's list). */
export const EXCLUDED_TITLES = ['document', 'label', 'profile', 'phone', 'user'];

export interface DataStorageDeps {
  uow: UnitOfWork;
  privateLabels: PrivateLabels;
  titles: string[];
}

function dataErrors(data: string): ErrorKey[] {
  if (data.length > DATA_STORAGE_MAX_LENGTH) return ['data.too_long'];
  try {
    JSON.parse(data);
    return [];
  } catch {
    return ['data.invalid_format'];
  }
}

export class DataStorageService {
  constructor(private readonly d: DataStorageDeps) {}

  async create(user: User, rawTitle: string, data: string): Promise<DataStorage> {
    const title = rawTitle.trim();
    const titleErrors: ErrorKey[] = [];
    if (!this.d.titles.includes(title)) titleErrors.push('title.inclusion');
    // Case-insensitive, unlike Barong: `Phone` would otherwise become the label `phone: recorded`.
    if (EXCLUDED_TITLES.includes(title.toLowerCase())) titleErrors.push('title.exclusion');
    const errors = dataErrors(data);
    try {
      return await this.d.uow.run(async (w) => {
        // The lock first, so the label PrivateLabels reads under it is not older than our snapshot.
        await w.repos.users.lockRow(user.id);
        if (!titleErrors.length && (await w.repos.dataStorages.titleTaken(user.id, title)))
          titleErrors.push('title.taken');
        if (titleErrors.length || errors.length) throw unprocessable([...titleErrors, ...errors]);
        const record = await w.repos.dataStorages.insert(user.id, title, data);
        const labelKey = title.toLowerCase();
        // Barong parity: a title that is not a valid label key gets no label, silently.
        const current = isValidLabelKey(labelKey)
          ? await this.d.privateLabels.set(w, user, labelKey, 'recorded')
          : user;
        const referralUid = await w.repos.users.uidOf(current.referralId);
        w.emit(
          'model.data_storage.created',
          {
            record: {
              user: eventUser(current, referralUid),
              title: record.title,
              data: record.data,
              created_at: record.createdAt.toISOString(),
              updated_at: record.updatedAt.toISOString(),
            },
          },
          { email: current.email, language: userLanguage(current) },
        );
        return record;
      });
    } catch (err) {
      if (err instanceof UniqueViolation) throw unprocessable('title.taken');
      throw err;
    }
  }
}
