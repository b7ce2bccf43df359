/** /resource/data_storage: small JSON documents a user keeps under configured titles. */
import type { DataStorageService } from '../../domain/data-storage/data-storage-service.js';
import type { Handler } from '../types.js';
import { currentUser } from './current-user.js';

export interface DataStorageHandlerDeps {
  dataStorage: DataStorageService;
}

export function createDataStorageHandlers(d: DataStorageHandlerDeps) {
  const createDataStorage: Handler<'createDataStorage'> = async (req) => {
    await d.dataStorage.create(currentUser(req), req.body.title, req.body.data);
    return { status: 201, body: {} };
  };

  return { createDataStorage };
}
