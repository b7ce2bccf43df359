/**
 * Reads a seeds file in Barong's config/seeds.yml format. The sections this server seeds are checked entry by
 * entry before anything is written; Barong's other sections (profiles, organizations, memberships) are named as
 * ignored. Barong runs the file through ERB first; here it is plain YAML.
 */
import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';
import { z } from 'zod';
import { SEED_SECTIONS, type Seeds } from '../domain/admin/seeder.js';

// YAML reads `value: 433` or `password: 1234` as numbers; the file means the text.
const text = z.union([z.string(), z.number()]).transform(String);
const optionalText = text.nullish().transform((v) => v ?? undefined);

const schema = z.object({
  levels: z.array(z.object({ key: text, value: text, description: text.nullish() })).nullish(),
  permissions: z.array(z.object({ role: text, verb: text, path: text, action: text, topic: text.nullish() })).nullish(),
  restrictions: z
    .array(z.object({ category: text, scope: text, value: text, state: text, code: z.number().int().nullish() }))
    .nullish(),
  users: z
    .array(
      z.object({
        email: text,
        level: z.number().int().min(0),
        uid: optionalText,
        password: optionalText,
        role: optionalText,
        state: optionalText,
      }),
    )
    .nullish(),
});

export interface SeedFile {
  seeds: Seeds;
  /** Top-level sections of the file that this server does not seed. */
  ignored: string[];
}

/** Throws an Error naming every problem (path and message), or the file that cannot be read. */
export function readSeedFile(path: string): SeedFile {
  let document: unknown;
  try {
    document = yaml.load(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  if (!document || typeof document !== 'object' || Array.isArray(document))
    throw new Error(`${path} is not a YAML mapping of sections`);
  const parsed = schema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`${path} is not a seeds file: ${problems.join('; ')}`);
  }
  const known = new Set<string>(SEED_SECTIONS);
  const { levels, permissions, restrictions, users } = parsed.data;
  return {
    seeds: {
      levels: levels ?? [],
      permissions: permissions ?? [],
      restrictions: restrictions ?? [],
      users: users ?? [],
    },
    ignored: Object.keys(document).filter((section) => !known.has(section)),
  };
}
