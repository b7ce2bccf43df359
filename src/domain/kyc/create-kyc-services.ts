/** KYC: the profile, the documents and where their files are stored (local disk or S3). */
import type { FileStorage } from '../../lib/storage/file-storage.js';
import { createFileStorage } from '../../lib/storage/create-file-storage.js';
import { DocumentsService } from './documents-service.js';
import { ProfilesService } from './profiles-service.js';
import type { AreaDeps } from '../create-shared-services.js';

export type KycServicesDeps = Pick<AreaDeps, 'config' | 'logger' | 'encryptor' | 'uow' | 'privateLabels'>;

export interface KycServices {
  fileStorage: FileStorage;
  profiles: ProfilesService;
  documents: DocumentsService;
}

export async function createKycServices(d: KycServicesDeps): Promise<KycServices> {
  const { config, uow, encryptor, privateLabels } = d;
  const fileStorage = await createFileStorage(config);
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
