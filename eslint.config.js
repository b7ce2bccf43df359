// Lint keeps the layers apart (api → domain → db/lib → config/errors) and catches what tsc does not.
// Formatting is Prettier's job (eslint-config-prettier turns off the rules that would fight it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const layer = (target, from, message) => ({ target, from, message });

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'src/generated/', 'test/contract/support.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      // A closure may read a variable that is assigned once, after it is made (a relay that nudges itself).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            layer(
              './src/domain',
              ['./src/api', './src/app.ts', './src/compose.ts', './src/main.ts'],
              'domain code does not know about HTTP: move the rule into the domain',
            ),
            layer(
              './src/db',
              ['./src/domain', './src/api'],
              'repositories hold SQL only; they return records, not domain objects',
            ),
            layer('./src/lib', ['./src/domain', './src/api', './src/db'], 'lib holds leaf utilities'),
            layer('./src/errors', ['./src/domain', './src/api', './src/db', './src/lib'], 'errors are a leaf'),
            layer('./src/config', ['./src/domain', './src/api', './src/db'], 'configuration is a leaf'),
            layer('./src', './jobs', 'the API never imports the workers; share code through src/'),
          ],
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'knex', message: 'only src/db talks to Knex' },
            { name: 'bull', message: 'only src/queues and jobs/ use Bull' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'read configuration through loadConfig (src/config)' },
      ],
    },
  },
  {
    files: ['src/db/**', 'knexfile.ts', 'test/**', 'scripts/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'bull', message: 'only src/queues and jobs/ use Bull' }] }],
    },
  },
  {
    files: ['src/queues/**', 'jobs/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'knex', message: 'only src/db talks to Knex' }] }] },
  },
  {
    files: ['src/config.ts', 'src/config/**', 'test/**', 'scripts/**', 'openapi/**', '*.ts', '*.js'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Dredd loads its hooks with require(), so they stay CommonJS.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.js'], languageOptions: { globals: globals.node } },
  prettier,
);
