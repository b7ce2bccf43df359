import { defineArea } from './area.js';
import { int, optional, str } from './values.js';

export interface DatabaseSettings {
  database: { url?: string; host: string; port: number; user: string; password: string; name: string; poolMax: number };
}

function databaseNameFromUrl(url: string): string | undefined {
  try {
    const name = new URL(url).pathname.replace(/^\//, '');
    return name || undefined;
  } catch {
    return undefined;
  }
}

export const database = defineArea({
  title: 'Database (MariaDB or MySQL)',
  secrets: ['DATABASE_URL', 'DATABASE_PASS'],
  shape: {
    DATABASE_URL: optional.meta({
      description:
        'the whole connection; overrides host, port, user and password, and gives the name unless `DATABASE_NAME` is set',
      values: '`mysql://user:pass@host:port/name`',
    }),
    DATABASE_HOST: str('127.0.0.1').describe('MariaDB/MySQL server'),
    DATABASE_PORT: int(3306, 1).describe('MariaDB/MySQL port'),
    DATABASE_USER: str('root').describe('user name'),
    DATABASE_PASS: str('').describe('password'),
    DATABASE_NAME: optional.meta({
      description: 'database (created by `npm run db:migrate`)',
      default: '`barong_<NODE_ENV>`',
    }),
    DATABASE_POOL_MAX: int(10, 1).describe('connection pool size'),
  },
  read(e, { nodeEnv, problems }): DatabaseSettings {
    if (e.DATABASE_URL) {
      try {
        new URL(e.DATABASE_URL);
      } catch {
        problems.push('DATABASE_URL: must be a URL such as mysql://root@127.0.0.1:3306/barong_development');
      }
    }
    const urlName = e.DATABASE_URL ? databaseNameFromUrl(e.DATABASE_URL) : undefined;
    return {
      database: {
        url: e.DATABASE_URL,
        host: e.DATABASE_HOST,
        port: e.DATABASE_PORT,
        user: e.DATABASE_USER,
        password: e.DATABASE_PASS,
        name: e.DATABASE_NAME ?? urlName ?? `barong_${nodeEnv}`,
        poolMax: e.DATABASE_POOL_MAX,
      },
    };
  },
});
