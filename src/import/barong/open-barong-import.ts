/** Wires `import barong` from the CLI's services and its flags: the source database, Vault, the files. */
import { readFile } from 'node:fs/promises';
import { BarongSource } from '../../db/barong-source.js';
import { BarongImportRepository } from '../../db/repositories/barong-import-repository.js';
import { SecretRewriteCheckpointsRepository } from '../../db/repositories/secret-rewrite-checkpoints-repository.js';
import type { Services } from '../../compose.js';
import { BarongImport } from './barong-import.js';
import { DocumentFiles, localUploads, s3Uploads, type UploadSource } from './document-files.js';
import { BarongEncryption } from './message-encryptor.js';
import { ProblemLog } from './problems.js';
import type { ImportContext } from './table-spec.js';
import { VaultTransit } from './vault-transit.js';

export interface BarongImportSetup {
  from: string;
  dryRun: boolean;
  secretKeyBaseFile: string;
  crc32SaltFile?: string;
  vaultAddr?: string;
  vaultTokenFile?: string;
  /** Barong's VAULT_APP_NAME: names the transit key (`<app>_apikeys_secret`) and the TOTP keys (`<app>_<uid>`). */
  vaultAppName: string;
  vaultTotpPrefix?: string;
  vaultTransitMount: string;
  uploads?: string;
  uploadsS3Bucket?: string;
  uploadsS3Prefix: string;
  uploadsS3Region: string;
  uploadsS3Endpoint?: string;
  uploadsS3PathStyle?: boolean;
}

export class ImportSetupError extends Error {}

/** A secret file's content without the line break editors add. */
async function secretFile(file: string, what: string): Promise<string> {
  const text = (
    await readFile(file, 'utf8').catch(() => {
      throw new ImportSetupError(`${what}: cannot read ${file}`);
    })
  ).replace(/\r?\n$/, '');
  if (!text) throw new ImportSetupError(`${what}: ${file} is empty`);
  return text;
}

async function uploadSource(setup: BarongImportSetup, services: Services): Promise<UploadSource | undefined> {
  if (setup.uploads && setup.uploadsS3Bucket)
    throw new ImportSetupError('give --uploads or --uploads-s3-bucket, not both');
  if (setup.uploads) return localUploads(setup.uploads);
  if (!setup.uploadsS3Bucket) return undefined;
  const { s3AccessKey, s3SecretKey } = services.config.barongImport;
  return s3Uploads({
    bucket: setup.uploadsS3Bucket,
    prefix: setup.uploadsS3Prefix,
    region: setup.uploadsS3Region,
    endpoint: setup.uploadsS3Endpoint,
    pathStyle: !!setup.uploadsS3PathStyle,
    accessKey: s3AccessKey,
    secretKey: s3SecretKey,
  });
}

export async function openBarongImport(
  setup: BarongImportSetup,
  services: Services,
): Promise<{ importer: BarongImport; context: ImportContext; files?: DocumentFiles; close(): Promise<void> }> {
  const secretKeyBase = await secretFile(setup.secretKeyBaseFile, '--secret-key-base-file');
  const crc32Salt = setup.crc32SaltFile
    ? await readFile(setup.crc32SaltFile, 'utf8').then((s) => s.replace(/\r?\n$/, ''))
    : undefined;
  let vault: VaultTransit | undefined;
  if (setup.vaultAddr) {
    const token = setup.vaultTokenFile
      ? await secretFile(setup.vaultTokenFile, '--vault-token-file')
      : services.config.barongImport.vaultToken;
    if (!token) throw new ImportSetupError('--vault-addr needs a token: --vault-token-file or VAULT_TOKEN');
    vault = new VaultTransit({
      address: setup.vaultAddr,
      token,
      key: `${setup.vaultAppName}_apikeys_secret`,
      mount: setup.vaultTransitMount,
    });
  }
  const uploads = await uploadSource(setup, services);
  const files = uploads ? new DocumentFiles(uploads, services.fileStorage) : undefined;
  const source = BarongSource.open(setup.from);
  const missing = await source.missingTables().catch(async (err: Error) => {
    await source.close();
    throw new ImportSetupError(`cannot read the Barong database: ${err.message}`);
  });
  if (missing.length) {
    await source.close();
    throw new ImportSetupError(`not a Barong 2.6 database: no ${missing.join(', ')}`);
  }
  const context: ImportContext = {
    barong: new BarongEncryption(secretKeyBase),
    encryptor: services.encryptor,
    problems: new ProblemLog(),
    dryRun: setup.dryRun,
    vaultTotpPrefix: setup.vaultTotpPrefix ?? setup.vaultAppName,
    vault,
    files,
    crc32Salt,
  };
  const importer = new BarongImport({
    source,
    target: new BarongImportRepository(services.knex),
    checkpoints: new SecretRewriteCheckpointsRepository(services.knex),
    ctx: context,
  });
  return {
    importer,
    context,
    files,
    async close() {
      uploads?.close?.();
      await source.close();
    },
  };
}
