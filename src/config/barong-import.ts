import { defineArea } from './area.js';
import { optional } from './values.js';

export interface BarongImportSettings {
  barongImport: {
    /** Vault's token for `import barong` (transit decrypt of Barong's API-key secrets); --vault-token-file wins. */
    vaultToken: string | undefined;
    /** Keys of the bucket Barong's documents are in (--uploads-s3-bucket); unset: the SDK's default chain. */
    s3AccessKey: string | undefined;
    s3SecretKey: string | undefined;
  };
}

export const barongImport = defineArea({
  title: 'Import from Barong (`npm run cli -- import barong`)',
  secrets: ['VAULT_TOKEN', 'BARONG_IMPORT_S3_ACCESS_KEY', 'BARONG_IMPORT_S3_SECRET_KEY'],
  shape: {
    VAULT_TOKEN: optional.meta({
      description:
        "A Vault token that may use `transit/decrypt/<app>_apikeys_secret`: `import barong --vault-addr …` decrypts Barong's API-key secrets with it (`--vault-token-file` takes precedence). Vault's own variable name; unset it after the import",
      values: 'a Vault token',
      default: '—',
    }),
    BARONG_IMPORT_S3_ACCESS_KEY: optional.meta({
      description: "Access key of the bucket holding Barong's document uploads (`import barong --uploads-s3-bucket`)",
      values: 'an access key id',
      default: "— (the AWS SDK's default credential chain)",
    }),
    BARONG_IMPORT_S3_SECRET_KEY: optional.meta({
      description: 'Secret key belonging to `BARONG_IMPORT_S3_ACCESS_KEY`',
      values: 'a secret access key',
      default: '—',
    }),
  },
  read: (e): BarongImportSettings => ({
    barongImport: {
      vaultToken: e.VAULT_TOKEN,
      s3AccessKey: e.BARONG_IMPORT_S3_ACCESS_KEY,
      s3SecretKey: e.BARONG_IMPORT_S3_SECRET_KEY,
    },
  }),
});
