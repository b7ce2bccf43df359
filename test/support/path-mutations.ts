/**
 * Other spellings of a path, for tests and the fuzzer: each takes the path and a number that picks where to act.
 * None of them yields the path's own spelling, except `trailingSlash`, which Barong's routes tolerate.
 */
export type PathMutation = (path: string, at: number) => string;

const indexesOf = (path: string, re: RegExp) => [...path.matchAll(re)].map((m) => m.index!);
const atSlash = (path: string, at: number) => {
  const slashes = indexesOf(path, /\//g);
  return slashes[at % slashes.length]!;
};
const letterAt = (path: string, at: number) => {
  const letters = indexesOf(path, /[a-z]/gi);
  return letters[at % letters.length]!;
};

export const PATH_MUTATIONS: Record<string, PathMutation> = {
  flipCase: (p, at) => {
    const i = letterAt(p, at);
    const c = p[i]!;
    return p.slice(0, i) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + p.slice(i + 1);
  },
  encodeLetter: (p, at) => {
    const i = letterAt(p, at);
    const hex = p.charCodeAt(i).toString(16);
    return `${p.slice(0, i)}%${at % 2 ? hex : hex.toUpperCase()}${p.slice(i + 1)}`;
  },
  encodeSlash: (p, at) => {
    const i = atSlash(p, at + 1) || 1;
    return `${p.slice(0, i)}${at % 2 ? '%2f' : '%2F'}${p.slice(i + 1)}`;
  },
  doubleSlash: (p, at) => {
    const i = atSlash(p, at);
    return `${p.slice(0, i)}/${p.slice(i)}`;
  },
  dotSegment: (p, at) => {
    const i = atSlash(p, at);
    return `${p.slice(0, i)}/.${p.slice(i)}`;
  },
  dotDotSegment: (p, at) => {
    const i = atSlash(p, at);
    return `${p.slice(0, i)}/x/..${p.slice(i)}`;
  },
  matrixParam: (p, at) => {
    const i = atSlash(p, at + 1);
    return i > 0 ? `${p.slice(0, i)};x=1${p.slice(i)}` : `${p};x=1`;
  },
  encodedControl: (p, at) => `${p}${['%00', '%09', '%20', '%0A', '%C0%AF', '%C0%AE', '%5C', '%FF'][at % 8]}`,
  backslash: (p, at) => {
    const i = atSlash(p, at + 1) || 1;
    return `${p.slice(0, i)}\\${p.slice(i + 1)}`;
  },
  fragmentMark: (p) => `${p}#`,
  trailingSlash: (p) => `${p}/`,
};
