/**
 * The one canonical form of an upstream path, computed once per request from the raw request target and used for
 * every decision of the authorizer: the pass and block lists, the role permissions, the restrictions, the admin
 * activity and the strict API-key signature. Upstreams and gateways read `//` as `/`, decode percent-escapes and
 * resolve dot segments; judging any other spelling than the one they act on let `api/v2/peatio//management`
 * through a block of `api/v2/peatio/management`.
 *
 * From the raw path (no query string): percent-escapes are decoded once, and an encoded `/` separates segments
 * like a plain one (so it can only make a path match more prefixes, never fewer); empty and `.` segments go; `..`
 * drops the segment before it. A trailing separator is kept (`a/b/` stays `a/b/`, as RFC 3986 keeps it after a
 * dot segment). No leading slash. Refused, never guessed: anything outside printable ASCII in the raw form, `\`
 * and `#` raw or decoded, control characters once decoded, an escape that is broken or not UTF-8, a `%` left
 * after decoding (a double-encoded path means something else to an upstream that decodes twice), and a `..` that
 * would climb above the root.
 */

declare const canonical: unique symbol;
/** A path that went through canonicalUpstreamPath(); the authorizer takes no other. */
export type CanonicalPath = string & { readonly [canonical]: true };

export const INVALID_PATH = 'authz.invalid_path';

const RAW_ALLOWED = /^[\x21-\x7e]*$/;
const RAW_REFUSED = /[\\#]/;
const DECODED_REFUSED = /[\\#%\p{Cc}]/u;

/** The canonical form of a raw path (percent-encoded, without query string), or undefined when there is none. */
export function canonicalUpstreamPath(raw: string): CanonicalPath | undefined {
  if (!RAW_ALLOWED.test(raw) || RAW_REFUSED.test(raw)) return undefined;
  const segments: string[] = [];
  let endsWithSeparator = false;
  for (const rawSegment of raw.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(rawSegment);
    } catch {
      return undefined;
    }
    if (DECODED_REFUSED.test(decoded)) return undefined;
    for (const segment of decoded.split('/')) {
      endsWithSeparator = segment === '' || segment === '.' || segment === '..';
      if (segment === '..') {
        if (segments.pop() === undefined) return undefined;
      } else if (!endsWithSeparator) segments.push(segment);
    }
  }
  const path = segments.join('/');
  return (endsWithSeparator && segments.length > 0 ? `${path}/` : path) as CanonicalPath;
}
