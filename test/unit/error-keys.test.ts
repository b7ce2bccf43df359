/**
 * The error-key catalogue (src/errors/error-keys.ts) against the contract and the source: every key the contract
 * documents is in it, and every key in it is raised somewhere, so it neither misses a key clients are promised nor
 * keeps one nothing sends.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../src/api/contract.js';
import { CONTRACT_ONLY_KEYS, ERROR_KEYS, ERROR_SCOPES, isErrorKey } from '../../src/errors/error-keys.js';

type Json = Record<string, unknown>;

const root = path.resolve(import.meta.dirname, '../..');
const contract = loadContract().swagger;
/** The admin API's document: its keys join the catalogue as its operations are built. */
const adminContract: unknown = yaml.load(readFileSync(path.join(root, 'openapi/admin.yaml'), 'utf8'));

/** The descriptions also quote response and JSON fields in the same dotted shape as keys. */
const QUOTED_FIELDS = new Set(['data.barcode', 'data.url', 'data.language']);
/** A dotted key; quoted patterns with placeholders (`authz.restrict.<category>`) are documented by their instances. */
const KEY_SHAPE = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;
/** The admin contract also quotes the Event API events a write emits (`model.user.updated`): names, not keys. */
const EVENT_NAME = /^(model|system)\./;

interface Documented {
  keys: Set<string>;
  errorKeys: Set<string>;
  scopes: Set<string>;
}

/** Error answers' examples (`errors: [...]`), parameters' `x-error-key`s, and keys quoted in any description. */
function documented(
  node: unknown,
  found: Documented = { keys: new Set(), errorKeys: new Set(), scopes: new Set() },
): Documented {
  if (typeof node === 'string') {
    for (const [, quoted] of node.matchAll(/`([^`]+)`/g)) {
      if (KEY_SHAPE.test(quoted!) && !QUOTED_FIELDS.has(quoted!) && !EVENT_NAME.test(quoted!)) found.keys.add(quoted!);
    }
  } else if (Array.isArray(node)) {
    node.forEach((item) => documented(item, found));
  } else if (node && typeof node === 'object') {
    for (const [name, value] of Object.entries(node as Json)) {
      if (name === 'x-error-key') found.errorKeys.add(String(value));
      if (name === 'x-error-scope') found.scopes.add(String(value));
      const examples =
        name === 'errors' ? value : name === 'example' && (node as Json).type === 'array' ? value : undefined;
      if (Array.isArray(examples)) examples.filter((e) => typeof e === 'string').forEach((e) => found.keys.add(e));
      documented(value, found);
    }
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(dir, file))
    .filter((file) => !file.startsWith(path.join('src', 'generated')) && !file.startsWith(path.join('src', 'errors')));
}

/** What src/ and jobs/ spell: string literals, and templates (`authz.restrict.${category}`) as patterns. */
function spelledInSource(): { literals: Set<string>; templates: RegExp[] } {
  const literals = new Set<string>();
  const templates: RegExp[] = [];
  // A placeholder stands for one segment of a key: `${field}.invalid` spells `city.invalid`, never `a.b.invalid`.
  const escape = (part: string) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literals.add(node.text);
    if (ts.isTemplateExpression(node)) {
      const parts = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)];
      templates.push(new RegExp(`^${parts.map(escape).join('[a-z0-9_]+')}$`));
    }
    ts.forEachChild(node, visit);
  };
  for (const file of [...sourceFiles('src'), ...sourceFiles('jobs')]) {
    visit(ts.createSourceFile(file, readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true));
  }
  return { literals, templates };
}

describe('the error-key catalogue', () => {
  const contractKeys = documented(contract);
  const adminKeys = documented(adminContract);

  it('holds every key the contracts document (the user APIs and the admin API)', () => {
    const keys = [...contractKeys.keys, ...contractKeys.errorKeys, ...adminKeys.keys, ...adminKeys.errorKeys];
    expect(keys.length).toBeGreaterThan(150);
    expect(keys.filter((key) => !isErrorKey(key))).toEqual([]);
  });

  it('has every x-error-scope of the contracts, and no scope they do not name', () => {
    const scopes = new Set([...contractKeys.scopes, ...adminKeys.scopes]);
    expect([...scopes].sort()).toEqual(ERROR_SCOPES.filter((scope) => scope !== 'request').sort());
  });

  it('lists no key twice', () => {
    expect(ERROR_KEYS.filter((key, i) => ERROR_KEYS.indexOf(key) !== i)).toEqual([]);
  });

  it('holds only keys that src/ or jobs/ raise', () => {
    const { literals, templates } = spelledInSource();
    const used = (key: string) => literals.has(key) || templates.some((template) => template.test(key));
    const contractOnly = new Set<string>(CONTRACT_ONLY_KEYS);
    expect(ERROR_KEYS.filter((key) => !contractOnly.has(key) && !used(key))).toEqual([]);
    // A key the contract alone answers is spelled nowhere else, and the contract (either document) does name it.
    expect(CONTRACT_ONLY_KEYS.filter((key) => used(key))).toEqual([]);
    const named = (key: string) => [contractKeys, adminKeys].some((doc) => doc.keys.has(key) || doc.errorKeys.has(key));
    expect(CONTRACT_ONLY_KEYS.filter((key) => !named(key))).toEqual([]);
  });

  it('has each family built somewhere', () => {
    const text = [...sourceFiles('src'), ...sourceFiles('jobs')]
      .map((file) => readFileSync(path.join(root, file), 'utf8'))
      .join('\n');
    for (const builder of ['validationKey(', 'httpStatusKey(', 'jwtClaimKey(', 'alreadyVerifiedKey('])
      expect(text).toContain(builder);
  });
});
