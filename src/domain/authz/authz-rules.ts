/**
 * The gateway's pass and block lists, from a YAML file shaped like Barong's authz_rules.yml:
 * `rules: {pass: [...], block: [...]}`, paths without leading slash, matched as plain string prefixes of the upstream
 * path (no slash boundary, as Barong). The bundled authz-rules.yml holds Barong's defaults; BARONG_AUTHZ_RULES_FILE
 * replaces it.
 *
 * Barong re-reads the file on every request; here it is read at start (a broken file stops the server) and again
 * whenever it changes. The file is polled (fs.watchFile) rather than watched through inotify, because editors and
 * config-map updates replace the file, which an inotify watch on the old inode never sees. A new version that does
 * not parse is logged and the previous rules stay in force.
 */
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';
import type { Logger } from '../../lib/logger.js';

export const DEFAULT_AUTHZ_RULES_FILE = fileURLToPath(new URL('./authz-rules.yml', import.meta.url));

export interface GatewayRules {
  pass: string[];
  block: string[];
}

export type RuleVerdict = 'block' | 'pass' | undefined;

function prefixes(value: unknown, name: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`rules.${name} must be a list of paths`);
  return value.map((entry, i) => {
    if (typeof entry !== 'string') throw new Error(`rules.${name}[${i}] must be a string`);
    // A leading slash would never match (paths arrive without one), and an empty prefix would match every path.
    const path = entry.trim().replace(/^\/+/, '');
    if (!path) throw new Error(`rules.${name}[${i}] is empty; it would match every path`);
    return path;
  });
}

/** Parses the rules file's text; throws an Error saying what is wrong. */
export function parseAuthzRules(text: string): GatewayRules {
  const doc = yaml.load(text) as { rules?: unknown } | null | undefined;
  const rules = doc?.rules;
  if (!rules || typeof rules !== 'object' || Array.isArray(rules))
    throw new Error('the file must hold a `rules` map with `pass` and `block` lists');
  const { pass, block, ...rest } = rules as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new Error(`unknown rules: ${unknown.join(', ')} (only pass and block exist)`);
  return { pass: prefixes(pass, 'pass'), block: prefixes(block, 'block') };
}

export class AuthzRules {
  private rules: GatewayRules;
  private readonly onChange = (curr: Stats, prev: Stats) => {
    if (curr.mtimeMs !== prev.mtimeMs || curr.size !== prev.size || curr.ino !== prev.ino) this.reload();
  };

  /** Reads the file now (throws when it is missing or broken) and follows its changes every `pollMs`. */
  constructor(
    readonly file: string,
    private readonly logger: Logger,
    pollMs = 1000,
  ) {
    this.rules = this.read();
    watchFile(this.file, { interval: pollMs, persistent: false }, this.onChange);
  }

  /** Block wins over pass; `path` has no leading slash. */
  verdict(path: string): RuleVerdict {
    const { block, pass } = this.rules;
    for (const prefix of block) if (path.startsWith(prefix)) return 'block';
    for (const prefix of pass) if (path.startsWith(prefix)) return 'pass';
    return undefined;
  }

  get current(): GatewayRules {
    return this.rules;
  }

  /** Re-reads the file; keeps the rules in force when it cannot. Answers whether new rules were taken. */
  reload(): boolean {
    try {
      this.rules = this.read();
      this.logger.info(
        { file: this.file, pass: this.rules.pass.length, block: this.rules.block.length },
        'gateway rules reloaded',
      );
      return true;
    } catch (err) {
      this.logger.error({ err, file: this.file }, 'gateway rules file unreadable; the previous rules stay in force');
      return false;
    }
  }

  close(): void {
    unwatchFile(this.file, this.onChange); // this instance's listener only
  }

  private read(): GatewayRules {
    try {
      return parseAuthzRules(readFileSync(this.file, 'utf8'));
    } catch (err) {
      throw new Error(`gateway rules file ${this.file}: ${(err as Error).message}`, { cause: err });
    }
  }
}
