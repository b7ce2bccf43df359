/**
 * The only reader of process.env (and of the files secret settings may name instead, secret-files.ts). Reads once,
 * validates everything, reports every problem on its own line, and freezes the result. Names follow Barong's where Barong has the setting, so a Barong deployment's environment
 * carries over. Each area's file holds its variables, their checks and its slice of Config.
 */
import { z } from 'zod';
import { accounts } from './accounts.js';
import { admin } from './admin.js';
import type { ReadContext } from './area.js';
import { auth0 } from './auth0.js';
import { authz } from './authz.js';
import { captcha } from './captcha.js';
import { barongImport } from './barong-import.js';
import { cli } from './cli.js';
import { ConfigError } from './config-error.js';
import { cors } from './cors.js';
import { database } from './database.js';
import { encryption } from './encryption.js';
import { events } from './events.js';
import { limits } from './limits.js';
import { mail } from './mail.js';
import { management } from './management.js';
import { metrics } from './metrics.js';
import { passwords } from './passwords.js';
import { phones } from './phones.js';
import { redis } from './redis.js';
import { retention } from './retention.js';
import { readSecretFiles } from './secret-files.js';
import { server } from './server.js';
import { sessions } from './sessions.js';
import { storage } from './storage.js';
import { tokens } from './tokens.js';
import { vault } from './vault.js';

export { ConfigError } from './config-error.js';
export { BARONG_DEFAULT_PASSWORD_REGEXP, compilePasswordRegexp } from './passwords.js';
export { UPLOAD_EXTENSIONS } from './storage.js';
export type { MetricsExposure } from './metrics.js';
export type { ManagementScope, ManagementSigner } from './management.js';
export { ABILITY_SUBJECTS, type AbilitiesFile, type AbilityAction, type AbilitySubject } from './admin.js';

/** In the order of docs/configuration.md. */
export const CONFIG_AREAS = [
  server,
  cors,
  database,
  redis,
  tokens,
  sessions,
  accounts,
  admin,
  passwords,
  encryption,
  limits,
  captcha,
  phones,
  auth0,
  vault,
  mail,
  authz,
  management,
  events,
  retention,
  metrics,
  storage,
  cli,
  barongImport,
] as const;

type Area = (typeof CONFIG_AREAS)[number];
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Every area's slice, e.g. `config.session` from sessions.ts, `config.eventApi` from events.ts. */
export type Config = Intersection<ReturnType<Area['read']>>;

/** Every variable that holds a secret, and so also has an `X_FILE` variant. */
export const SECRET_SETTINGS: readonly string[] = CONFIG_AREAS.flatMap((area): readonly string[] => area.secrets ?? []);

const schema = z.object(Object.assign({}, ...CONFIG_AREAS.map((area) => area.shape)) as Intersection<Area['shape']>);

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const fileProblems: string[] = [];
  const parsed = schema.safeParse(readSecretFiles(source, SECRET_SETTINGS, fileProblems));
  if (!parsed.success) {
    throw new ConfigError([...fileProblems, ...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)]);
  }
  const values = parsed.data;
  const context: ReadContext = { nodeEnv: values.NODE_ENV, problems: fileProblems };
  const slices = CONFIG_AREAS.map((area) => area.read(values, context));
  if (context.problems.length) throw new ConfigError(context.problems);
  return Object.freeze(Object.assign({}, ...slices) as Config);
}
