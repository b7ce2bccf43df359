/** KYC: the profile, the documents and where their files are stored (local disk or S3). */
import type { Config } from '../../config.js';
import type { Encryptor } from '../../lib/encryptor.js';
import type { Logger } from '../../lib/logger.js';
import type { FileStorage } from '../../lib/storage/file-storage.js';
import { createFileStorage } from '../../lib/storage/create-file-storage.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { PrivateLabels } from '../labels/private-labels.js';
import { DocumentsService } from './documents-service.js';
import { ProfilesService } from './profiles-service.js';

export interface KycServicesDeps {
  config: Config;
  logger: Logger;
  encryptor: Encryptor;
  uow: UnitOfWork;
  privateLabels: PrivateLabels;
}

export interface KycServices {
  fileStorage: FileStorage;
  profiles: ProfilesService;
  documents: DocumentsService;
}

export function createKycServices(d: KycServicesDeps): KycServices {
  const { config, uow, encryptor, privateLabels } = d;
  const fileStorage = createFileStorage(config);
  return {
    fileStorage,
    profiles: new ProfilesService({ uow, encryptor, privateLabels }),
    documents: new DocumentsService({
      uow,
      encryptor,
      privateLabels,
      storage: fileStorage,
      logger: d.logger,
      documents: config.documents,
      uploads: config.uploads,
    }),
  };
}

export function closeKycServices(s: KycServices): void {
  s.fileStorage.close?.();
}
