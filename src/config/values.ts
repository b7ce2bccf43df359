/**
 * Parsers for environment variables, which are all strings. Each keeps its default inside the schema, so the
 * configuration table (config-doc.ts) can show the default by parsing an unset value.
 */
import { z } from 'zod';

/** Spellings accepted for a boolean; the first three mean true. */
export const BOOLEAN_WORDS = ['true', 'false', '1', '0', 'yes', 'no'] as const;

export const isTrue = (word: string): boolean => ['true', '1', 'yes'].includes(word);

/** A boolean with no default, for settings whose default depends on another one. */
export const booleanWord = () => z.enum(BOOLEAN_WORDS, { message: 'must be true or false' }).optional();

export const bool = (def: boolean) => booleanWord().transform((v) => (v === undefined ? def : isTrue(v)));

export const int = (def: number, min = 0) => z.coerce.number().int().min(min).optional().default(def);

export const str = (def: string) => z.string().optional().default(def);

/** Unset and empty mean the same: not configured. */
export const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

/** A comma-separated list; blanks around and between entries are dropped. */
export const list = (def: string) =>
  str(def).transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

export function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
