/**
 * docs/configuration.md, rendered from the areas' schemas: what is documented is what loadConfig reads. Defaults come
 * from parsing an unset value unless a schema's meta gives one (a default that depends on other variables), allowed
 * values from the schema's JSON Schema form unless the meta's `values` says it better.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fileVariant } from './secret-files.js';
import { BOOLEAN_WORDS } from './values.js';
import { CONFIG_AREAS } from './index.js';

export const CONFIGURATION_DOC = fileURLToPath(new URL('../../docs/configuration.md', import.meta.url));

const INTRO = `# Configuration

<!-- Written by \`npm run docs:config\` from the schemas in src/config/: edit those, then run it. -->

Everything is read from the environment, once, at start, by \`loadConfig\` (\`src/config/\`, one file per area below);
a bad value stops the server with one line per problem. Names follow Barong's where Barong has the setting.

Booleans take \`true\` or \`false\` (also \`1\`/\`0\`, \`yes\`/\`no\`). Lists are comma-separated, blanks around entries
ignored. A default of — means unset: the feature is off or the value is derived as described.

A secret setting \`X\` may instead be given as \`X_FILE\`, the path of a file holding the value (as Docker and
Kubernetes hand secrets over); trailing line breaks are dropped. Setting both is an error. The tables show these
as \`X\` / \`X_FILE\`.
`;

const code = (text: string) => `\`${text}\``;

function shownDefault(schema: z.ZodType): string {
  const declared = schema.meta()?.default;
  if (typeof declared === 'string') return declared;
  const parsed = schema.safeParse(undefined);
  const value: unknown = parsed.success ? parsed.data : undefined;
  if (Array.isArray(value)) return value.length ? code(value.join(',')) : '—';
  if (value === undefined) return '—';
  return value === '' ? 'empty' : code(String(value));
}

interface JsonSchemaField {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
}

function allowedValues(schema: z.ZodType): string {
  const declared = schema.meta()?.values;
  if (typeof declared === 'string') return declared;
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaField;
  if (json.enum) {
    const isBoolean = json.enum.length === BOOLEAN_WORDS.length && BOOLEAN_WORDS.every((w) => json.enum?.includes(w));
    return isBoolean ? '`true`, `false`' : json.enum.map((v) => code(String(v))).join(', ');
  }
  if (json.type === 'integer' || json.type === 'number') {
    const kind = json.type === 'integer' ? 'integer' : 'number';
    const max = json.maximum !== undefined && json.maximum < Number.MAX_SAFE_INTEGER ? json.maximum : undefined;
    if (json.minimum !== undefined && max !== undefined) return `${kind} ${json.minimum}–${max}`;
    return json.minimum !== undefined ? `${kind} ≥ ${json.minimum}` : kind;
  }
  return 'text';
}

const cell = (text: string) => text.replaceAll('|', '\\|');

function row(name: string, schema: z.ZodType, secret: boolean): string {
  const description = schema.meta()?.description;
  if (!description) throw new Error(`${name}: its schema has no description`);
  const names = secret ? `${code(name)} / ${code(fileVariant(name))}` : code(name);
  return `| ${[names, shownDefault(schema), allowedValues(schema), description].map(cell).join(' | ')} |`;
}

export function renderConfigurationDoc(): string {
  const seen = new Set<string>();
  const sections = CONFIG_AREAS.map((area) => {
    const secrets: readonly string[] = area.secrets ?? [];
    const rows = Object.entries(area.shape).map(([name, schema]: [string, z.ZodType]) => {
      const names = secrets.includes(name) ? [name, fileVariant(name)] : [name];
      if (names.some((n) => seen.has(n)))
        throw new Error(`${name}: declared by two areas, or its _FILE variant is a setting`);
      names.forEach((n) => seen.add(n));
      return row(name, schema, secrets.includes(name));
    });
    return [
      `## ${area.title}`,
      '',
      '| variable | default | allowed values | description |',
      '|---|---|---|---|',
      ...rows,
    ].join('\n');
  });
  const contents = CONFIG_AREAS.map((area) => `- [${area.title}](#${anchor(area.title)})`).join('\n');
  return `${INTRO}\n${contents}\n\n${sections.join('\n\n')}\n`;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}
