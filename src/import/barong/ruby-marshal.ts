/**
 * The two kinds of Ruby Marshal data Barong's EncryptionService ever encrypts: a String (names, addresses, phone and
 * document numbers) and a Date (a profile's `dob`, which Barong's API casts to Date before it is stored). Anything
 * else is refused: a general Marshal reader would be a deserialiser of attacker-shaped objects, and a value we do
 * not understand must be reported, not guessed at.
 */

const MAJOR = 4;
const MINOR = 8;

/** What a Barong value reads as: the string itself, or a date as `YYYY-MM-DD`. */
export type RubyValue = { kind: 'string'; value: string } | { kind: 'date'; value: string };

export class MarshalRefused extends Error {}

class Reader {
  private at = 0;
  constructor(private readonly bytes: Buffer) {}

  byte(): number {
    if (this.at >= this.bytes.length) throw new MarshalRefused('marshal data ends early');
    return this.bytes[this.at++]!;
  }

  take(n: number): Buffer {
    if (n < 0 || this.at + n > this.bytes.length) throw new MarshalRefused('marshal data ends early');
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** Marshal's packed integer (w_long). */
  int(): number {
    const c = (this.byte() << 24) >> 24; // signed
    if (c === 0) return 0;
    if (c >= 5) return c - 5;
    if (c <= -5) return c + 5;
    let n = 0;
    if (c > 0) {
      for (let i = 0; i < c; i++) n += this.byte() * 2 ** (8 * i);
      return n;
    }
    for (let i = 0; i < -c; i++) n += this.byte() * 2 ** (8 * i);
    return n - 2 ** (8 * -c);
  }

  symbol(): string {
    const type = String.fromCharCode(this.byte());
    if (type !== ':') throw new MarshalRefused(`expected a symbol, found ${JSON.stringify(type)}`);
    return this.take(this.int()).toString('latin1');
  }

  get done(): boolean {
    return this.at === this.bytes.length;
  }
}

const decoders: Record<string, (b: Buffer) => string> = {
  'UTF-8': (b) => new TextDecoder('utf-8', { fatal: true }).decode(b),
  'US-ASCII': (b) => new TextDecoder('utf-8', { fatal: true }).decode(b),
  'ISO-8859-1': (b) => b.toString('latin1'),
};

function stringWithIvars(r: Reader): string {
  if (String.fromCharCode(r.byte()) !== '"') throw new MarshalRefused('only strings carry instance variables here');
  const raw = r.take(r.int());
  let encoding = 'ASCII-8BIT';
  const count = r.int();
  for (let i = 0; i < count; i++) {
    const name = r.symbol();
    const tag = String.fromCharCode(r.byte());
    if (name === 'E' && (tag === 'T' || tag === 'F')) encoding = tag === 'T' ? 'UTF-8' : 'US-ASCII';
    else if (name === 'encoding' && tag === '"') encoding = r.take(r.int()).toString('latin1');
    else throw new MarshalRefused(`unexpected string attribute ${name}`);
  }
  return decode(raw, encoding);
}

function decode(raw: Buffer, encoding: string): string {
  // Binary strings hold what Barong was given; keep them when they are text, refuse them otherwise.
  const decoder = decoders[encoding === 'ASCII-8BIT' ? 'UTF-8' : encoding];
  if (!decoder) throw new MarshalRefused(`unsupported string encoding ${encoding}`);
  try {
    return decoder(raw);
  } catch {
    throw new MarshalRefused(`string bytes are not valid ${encoding}`);
  }
}

/** Date#marshal_dump: [nth, jd, df, sf, of, sg]; a plain Date has only nth = 0 and a Julian day number. */
function date(r: Reader): string {
  if (r.symbol() !== 'Date') throw new MarshalRefused('only Date user objects are read');
  if (String.fromCharCode(r.byte()) !== '[' || r.int() !== 6) throw new MarshalRefused('unexpected Date layout');
  const ints: number[] = [];
  for (let i = 0; i < 5; i++) {
    if (String.fromCharCode(r.byte()) !== 'i') throw new MarshalRefused('unexpected Date layout');
    ints.push(r.int());
  }
  if (String.fromCharCode(r.byte()) !== 'f') throw new MarshalRefused('unexpected Date layout');
  r.take(r.int()); // the calendar reform day (ITALY): dates of birth are all Gregorian
  const [nth, jd, df, sf, of] = ints as [number, number, number, number, number];
  if (nth !== 0 || df !== 0 || sf !== 0 || of !== 0) throw new MarshalRefused('a DateTime, not a Date');
  return julianDayToIso(jd);
}

/** Proleptic Gregorian calendar date of a Julian day number (Fliegel–Van Flandern). */
export function julianDayToIso(jd: number): string {
  const l = jd + 68569;
  const n = Math.floor((4 * l) / 146097);
  const l2 = l - Math.floor((146097 * n + 3) / 4);
  const i = Math.floor((4000 * (l2 + 1)) / 1461001);
  const l3 = l2 - Math.floor((1461 * i) / 4) + 31;
  const j = Math.floor((80 * l3) / 2447);
  const day = l3 - Math.floor((2447 * j) / 80);
  const l4 = Math.floor(j / 11);
  const month = j + 2 - 12 * l4;
  const year = 100 * (n - 49) + i + l4;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function isoToJulianDay(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const a = Math.floor((14 - m) / 12);
  const yy = y + 4800 - a;
  const mm = m + 12 * a - 3;
  return (
    d +
    Math.floor((153 * mm + 2) / 5) +
    365 * yy +
    Math.floor(yy / 4) -
    Math.floor(yy / 100) +
    Math.floor(yy / 400) -
    32045
  );
}

export function readRubyValue(bytes: Buffer): RubyValue {
  const r = new Reader(bytes);
  if (r.byte() !== MAJOR || r.byte() !== MINOR) throw new MarshalRefused('not Ruby Marshal 4.8 data');
  const type = String.fromCharCode(r.byte());
  let result: RubyValue;
  if (type === 'I') result = { kind: 'string', value: stringWithIvars(r) };
  else if (type === '"') result = { kind: 'string', value: decode(r.take(r.int()), 'ASCII-8BIT') };
  else if (type === 'U') result = { kind: 'date', value: date(r) };
  else throw new MarshalRefused(`unsupported marshal type ${JSON.stringify(type)}`);
  if (!r.done) throw new MarshalRefused('trailing bytes after the value');
  return result;
}

function packedInt(n: number): Buffer {
  if (n === 0) return Buffer.from([0]);
  if (n > 0 && n < 123) return Buffer.from([n + 5]);
  if (n < 0 && n > -124) return Buffer.from([(n - 5) & 0xff]);
  const bytes: number[] = [];
  let rest = n;
  for (let i = 0; i < 4; i++) {
    bytes.push(rest & 0xff);
    rest >>= 8;
    if (n >= 0 ? rest === 0 : rest === -1) break;
  }
  return Buffer.from([n >= 0 ? bytes.length : (256 - bytes.length) & 0xff, ...bytes]);
}

/** What Ruby writes for a UTF-8 String (`Marshal.dump(str)`): the encrypt side of the test fixtures. */
export function dumpRubyString(value: string): Buffer {
  const raw = Buffer.from(value, 'utf8');
  return Buffer.concat([
    Buffer.from([MAJOR, MINOR, 0x49, 0x22]),
    packedInt(raw.length),
    raw,
    Buffer.from([0x06, 0x3a, 0x06, 0x45, 0x54]), // 1 ivar, :E => true
  ]);
}

/** What Ruby writes for a Date (`Marshal.dump(Date.new(y, m, d))`). */
export function dumpRubyDate(iso: string): Buffer {
  const sg = Buffer.from('2299161', 'latin1');
  return Buffer.concat([
    Buffer.from([MAJOR, MINOR, 0x55, 0x3a, 0x09]),
    Buffer.from('Date', 'latin1'),
    Buffer.from([0x5b, 0x0b, 0x69, 0x00, 0x69]),
    packedInt(isoToJulianDay(iso)),
    Buffer.from([0x69, 0x00, 0x69, 0x00, 0x69, 0x00, 0x66]),
    packedInt(sg.length),
    sg,
  ]);
}
