/**
 * A tiny MaxMind DB writer, for tests only: enough of the format (https://maxmind.github.io/MaxMind-DB/) to make a
 * GeoIP2-Country-shaped IPv6 database with a handful of networks that the `maxmind` reader opens.
 *
 * Layout: a binary search tree (node_count nodes; each node = two records of 24 or 28 bits, left = bit 0,
 * right = bit 1; a record < node_count points to a node, = node_count means "no data", > node_count points into
 * the data section at record − node_count − 16), then 16 zero bytes, then the data section (maps, UTF-8 strings,
 * unsigned integers), then `\xAB\xCD\xEFMaxMind.com` and the metadata map. IPv4 networks live under ::/96, where
 * readers look them up.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIPv4 } from 'node:net';

export type MmdbValue = string | number | bigint | boolean | MmdbValue[] | { [key: string]: MmdbValue };

export interface MmdbNetwork {
  /** CIDR, IPv4 (`203.0.113.0/24`) or IPv6 (`2001:db8::/32`). */
  network: string;
  data: { [key: string]: MmdbValue };
}

export interface MmdbOptions {
  recordSize?: 24 | 28;
  databaseType?: string;
  languages?: string[];
  description?: string;
}

// ---------- data section encoding ----------

function control(type: number, size: number): Buffer {
  const extended = type > 7;
  const head = Buffer.from([((extended ? 0 : type) << 5) | 0]);
  const ext = extended ? Buffer.from([type - 7]) : Buffer.alloc(0);
  let sizeBytes: Buffer;
  if (size < 29) {
    head[0]! |= size;
    sizeBytes = Buffer.alloc(0);
  } else if (size < 285) {
    head[0]! |= 29;
    sizeBytes = Buffer.from([size - 29]);
  } else if (size < 65_821) {
    head[0]! |= 30;
    sizeBytes = Buffer.alloc(2);
    sizeBytes.writeUInt16BE(size - 285);
  } else {
    head[0]! |= 31;
    const n = size - 65_821;
    sizeBytes = Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
  }
  return Buffer.concat([head, ext, sizeBytes]);
}

function unsigned(type: number, value: bigint): Buffer {
  const bytes: number[] = [];
  for (let v = value; v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
  return Buffer.concat([control(type, bytes.length), Buffer.from(bytes)]);
}

export function encodeValue(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === 'boolean') return control(14, value ? 1 : 0);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const n = BigInt(value);
    if (n < 0n) throw new RangeError('only unsigned integers are supported');
    if (n < 1n << 16n) return unsigned(5, n);
    if (n < 1n << 32n) return unsigned(6, n);
    return unsigned(9, n); // uint64
  }
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encodeValue)]);
  const entries = Object.entries(value);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, v]) => [encodeValue(k), encodeValue(v)])]);
}

// ---------- search tree ----------

type Child = { node: TreeNode } | { data: number } | undefined;
interface TreeNode {
  children: [Child, Child];
  id?: number;
}

function networkBits(cidr: string): number[] {
  const [address = '', prefixText = ''] = cidr.split('/');
  const prefix = Number(prefixText);
  let bytes: number[];
  let bits: number;
  if (isIPv4(address)) {
    bytes = [...Array<number>(12).fill(0), ...address.split('.').map(Number)];
    bits = 96 + prefix;
  } else {
    const [head = '', tail = ''] = address.split('::');
    const groups = (s: string) => (s ? s.split(':') : []);
    const left = groups(head);
    const right = groups(tail);
    const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
    bytes = all.flatMap((g) => {
      const n = parseInt(g, 16);
      return [n >> 8, n & 0xff];
    });
    bits = prefix;
  }
  return Array.from({ length: bits }, (_, i) => ((bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1);
}

function insert(root: TreeNode, bits: number[], data: number): void {
  let node = root;
  for (const [i, bit] of bits.entries()) {
    if (i === bits.length - 1) {
      if (node.children[bit]) throw new Error('networks must not overlap');
      node.children[bit] = { data };
      return;
    }
    const child = node.children[bit];
    if (child && 'node' in child) node = child.node;
    else {
      if (child) throw new Error('networks must not overlap');
      const next: TreeNode = { children: [undefined, undefined] };
      node.children[bit] = { node: next };
      node = next;
    }
  }
}

function writeRecord(buf: Buffer, offset: number, recordSize: 24 | 28, right: boolean, value: number): void {
  if (recordSize === 24) {
    buf.writeUIntBE(value, offset + (right ? 3 : 0), 3);
    return;
  }
  // 28 bits: left = high nibble of byte 3 + bytes 0..2; right = low nibble of byte 3 + bytes 4..6.
  if (right) {
    buf.writeUIntBE(value & 0xffffff, offset + 4, 3);
    buf[offset + 3] = (buf[offset + 3]! & 0xf0) | ((value >>> 24) & 0x0f);
  } else {
    buf.writeUIntBE(value & 0xffffff, offset, 3);
    buf[offset + 3] = (buf[offset + 3]! & 0x0f) | (((value >>> 24) & 0x0f) << 4);
  }
}

/** The database as bytes. Networks must not overlap (enough for tests). */
export function buildMmdb(networks: MmdbNetwork[], options: MmdbOptions = {}): Buffer {
  const recordSize = options.recordSize ?? 24;
  const dataParts: Buffer[] = [];
  const offsets: number[] = [];
  let dataLength = 0;
  for (const n of networks) {
    const encoded = encodeValue(n.data);
    offsets.push(dataLength);
    dataParts.push(encoded);
    dataLength += encoded.length;
  }

  const root: TreeNode = { children: [undefined, undefined] };
  networks.forEach((n, i) => insert(root, networkBits(n.network), offsets[i]!));

  const nodes: TreeNode[] = [];
  const queue = [root];
  for (let node = queue.shift(); node; node = queue.shift()) {
    node.id = nodes.length;
    nodes.push(node);
    for (const child of node.children) if (child && 'node' in child) queue.push(child.node);
  }
  const nodeCount = nodes.length;
  const nodeBytes = recordSize / 4;
  const tree = Buffer.alloc(nodeCount * nodeBytes);
  for (const node of nodes) {
    node.children.forEach((child, side) => {
      const value = !child ? nodeCount : 'node' in child ? child.node.id! : nodeCount + 16 + child.data;
      writeRecord(tree, node.id! * nodeBytes, recordSize, side === 1, value);
    });
  }

  const metadata = encodeValue({
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: BigInt(Math.floor(Date.now() / 1000)),
    database_type: options.databaseType ?? 'GeoIP2-Country',
    description: { en: options.description ?? 'barong-ts test database' },
    ip_version: 6,
    languages: options.languages ?? ['en'],
    node_count: nodeCount,
    record_size: recordSize,
  });
  const marker = Buffer.concat([Buffer.from([0xab, 0xcd, 0xef]), Buffer.from('MaxMind.com', 'ascii')]);
  return Buffer.concat([tree, Buffer.alloc(16), ...dataParts, marker, metadata]);
}

/** A GeoIP2-Country record as MaxMind ships it (the fields the server reads, in several languages). */
export function countryRecord(
  country: { code: string; names: Record<string, string> },
  continent: { code: string; names: Record<string, string> },
): MmdbNetwork['data'] {
  return {
    continent: { code: continent.code, geoname_id: 1, names: continent.names },
    country: { geoname_id: 2, iso_code: country.code, names: country.names },
    registered_country: { geoname_id: 2, iso_code: country.code, names: country.names },
  };
}

/** The networks the tests use: documentation ranges, placed in Japan, Germany, Brazil and (IPv6) France. */
export const TEST_NETWORKS: MmdbNetwork[] = [
  {
    network: '203.0.113.0/24',
    data: countryRecord(
      { code: 'JP', names: { en: 'Japan', de: 'Japan', ru: 'Япония' } },
      { code: 'AS', names: { en: 'Asia', de: 'Asien', ru: 'Азия' } },
    ),
  },
  {
    network: '198.51.100.0/24',
    data: countryRecord(
      { code: 'DE', names: { en: 'Germany', de: 'Deutschland', ru: 'Германия' } },
      { code: 'EU', names: { en: 'Europe', de: 'Europa', ru: 'Европа' } },
    ),
  },
  {
    network: '192.0.2.0/24',
    data: countryRecord(
      { code: 'BR', names: { en: 'Brazil', de: 'Brasilien' } },
      { code: 'SA', names: { en: 'South America', de: 'Südamerika' } },
    ),
  },
  {
    network: '2001:db8:fa::/48',
    data: countryRecord(
      { code: 'FR', names: { en: 'France', de: 'Frankreich', ru: 'Франция' } },
      { code: 'EU', names: { en: 'Europe', de: 'Europa', ru: 'Европа' } },
    ),
  },
];

export function writeMmdb(path: string, networks: MmdbNetwork[] = TEST_NETWORKS, options?: MmdbOptions): void {
  writeFileSync(path, buildMmdb(networks, options));
}

/** Client addresses and what TEST_NETWORKS says about them. */
export const TEST_IPS = {
  JP: '203.0.113.5', // Japan, Asia
  DE: '198.51.100.7', // Germany, Europe
  BR: '192.0.2.9', // Brazil, South America
  FR6: '2001:db8:fa::5', // France, Europe
  UNKNOWN: '100.64.0.1', // not in the database
  UNKNOWN6: '2001:db8:ffff::1',
} as const;

/** TEST_NETWORKS written to a file in a fresh temporary directory; `remove()` deletes both. */
export function temporaryGeoDatabase(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'barong-geoip-'));
  const path = join(dir, 'country.mmdb');
  writeMmdb(path);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
