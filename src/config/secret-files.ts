/**
 * Container platforms hand secrets over as files (Docker and Kubernetes secrets), so every secret setting `X` may
 * instead be given as `X_FILE`, the path of a file holding the value. The value is the file's contents without
 * its trailing line breaks, which editors and `echo` add. Giving both is an error rather than a precedence rule,
 * so a stale variable cannot silently win; a problem names the variable and the file, never the contents.
 */
import { readFileSync } from 'node:fs';

export const fileVariant = (name: string) => `${name}_FILE`;

const isSet = (value: string | undefined): value is string => value !== undefined && value !== '';

/** The environment with each `X_FILE` replaced by `X` read from its file; problems are appended. */
export function readSecretFiles(
  source: NodeJS.ProcessEnv,
  names: readonly string[],
  problems: string[],
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...source };
  for (const name of names) {
    const variant = fileVariant(name);
    const path = env[variant];
    delete env[variant];
    if (!isSet(path)) continue;
    if (isSet(env[name])) {
      problems.push(`${name} and ${variant}: both are set; give one of them`);
      continue;
    }
    try {
      env[name] = readFileSync(path, 'utf8').replace(/[\r\n]+$/, '');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      problems.push(`${variant}: cannot read ${path} (${reason})`);
    }
  }
  return env;
}
