/** The canonical upstream path (src/domain/authz/upstream-path.ts): examples, refusals and properties. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalUpstreamPath } from '../../src/domain/authz/upstream-path.js';

const FC = { numRuns: 2000, seed: 8002 };

describe('canonicalUpstreamPath', () => {
  it.each([
    ['api/v2/peatio/account/balances', 'api/v2/peatio/account/balances'],
    ['/api/v2/peatio/account', 'api/v2/peatio/account'],
    ['api//v2///peatio', 'api/v2/peatio'],
    ['api/v2/peatio/account/', 'api/v2/peatio/account/'],
    ['api/v2/peatio/account//', 'api/v2/peatio/account/'],
    ['api/./v2/x/../peatio', 'api/v2/peatio'],
    ['api/v2/x/.', 'api/v2/x/'],
    ['api/v2/x/y/..', 'api/v2/x/'],
    ['api/v2/%2e%2E/v3/%2E', 'api/v3/'],
    ['api/v2/peatio%2Fmanagement', 'api/v2/peatio/management'],
    ['api%2F%2Fv2%2f.%2fx', 'api/v2/x'],
    ['api/v2/a%20b/%C3%A9', 'api/v2/a b/é'],
    ['api/v2/.../.x/..x', 'api/v2/.../.x/..x'],
    ['api/v2/x?y', 'api/v2/x?y'],
    ['', ''],
    ['/', ''],
    ['a/..', ''],
  ])('%j → %j', (raw, canonical) => {
    expect(canonicalUpstreamPath(raw)).toBe(canonical);
  });

  it.each([
    ['a dot-dot above the root', '../api'],
    ['a dot-dot above the root, later', 'api/../../x'],
    ['an encoded dot-dot above the root', '%2e%2e/x'],
    ['a backslash', 'api\\v2'],
    ['an encoded backslash', 'api%5Cv2'],
    ['a raw #', 'api/v2#x'],
    ['an encoded #', 'api/v2%23x'],
    ['an encoded NUL', 'api%00'],
    ['an encoded control character', 'api%0Dv2'],
    ['an encoded DEL', 'api%7f'],
    ['an encoded C1 control', 'api%C2%80'],
    ['a broken escape', 'api%zz'],
    ['a truncated escape', 'api%2'],
    ['an escape that is not UTF-8', 'api%ff'],
    ['an overlong UTF-8 slash', 'api%C0%AFx'],
    ['a double-encoded slash', 'api%252Fv2'],
    ['a raw space', 'api v2'],
    ['a raw control character', 'api\tv2'],
    ['raw non-ASCII', 'api/é'],
  ])('refuses %s (%j)', (_what, raw) => {
    expect(canonicalUpstreamPath(raw)).toBeUndefined();
  });

  // Segments without separators or dots of their own, and the spellings of one separator an upstream reads as `/`.
  const segment = fc.stringMatching(/^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,8}$/).filter((s) => s !== '.' && s !== '..');
  const separator = fc.constantFrom(
    '/',
    '//',
    '/./',
    '%2F',
    '%2f',
    '/%2e/',
    '/%2E/',
    '/x/../',
    '/y/%2E%2E/',
    '/%2e/z/.%2e/',
  );

  it('property: any spelling of a path built from plain segments gives that path', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(separator, segment), { minLength: 1, maxLength: 8 }),
        (parts) =>
          canonicalUpstreamPath(parts.map(([sep, seg]) => sep + seg).join('')) ===
          parts.map(([, seg]) => seg).join('/'),
      ),
      FC,
    );
  });

  // Any text over an alphabet rich in the characters that matter.
  const anyRaw = fc.string({
    unit: fc.constantFrom('a', 'b', '/', '.', '%', '2', 'e', 'E', 'f', 'F', '5', 'C', '0', '\\', '#', ' '),
    maxLength: 40,
  });

  it('property: a canonical path has no leading slash, no empty, `.` or `..` segment, no `\\`, `#`, `%` or control character', () => {
    fc.assert(
      fc.property(anyRaw, (raw) => {
        const path = canonicalUpstreamPath(raw);
        if (path === undefined) return true;
        const inner = path.endsWith('/') ? path.slice(0, -1) : path;
        return (
          !path.startsWith('/') &&
          (inner === '' || inner.split('/').every((s) => s !== '' && s !== '.' && s !== '..')) &&
          !/[\\#%\p{Cc}]/u.test(path)
        );
      }),
      FC,
    );
  });

  it('property: canonical once is canonical for good (re-encoding the result gives it back)', () => {
    const encode = (path: string) => path.split('/').map(encodeURIComponent).join('/');
    fc.assert(
      fc.property(anyRaw, (raw) => {
        const path = canonicalUpstreamPath(raw);
        return path === undefined || canonicalUpstreamPath(encode(path)) === path;
      }),
      FC,
    );
  });

  it('property: an encoded slash is a separator, so encoding one never changes the canonical path', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 2, maxLength: 6 }), fc.nat(), (segments, at) => {
        const i = 1 + (at % (segments.length - 1));
        const plain = segments.join('/');
        const encoded = `${segments.slice(0, i).join('/')}%2F${segments.slice(i).join('/')}`;
        return canonicalUpstreamPath(encoded) === canonicalUpstreamPath(plain);
      }),
      FC,
    );
  });
});
