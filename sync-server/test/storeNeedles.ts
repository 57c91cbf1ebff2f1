import { filesUnder, findBytes, readIfPresent, type ByteHit } from './storeBytes.js';

/**
 * "No byte left" (issue 19, R-PRIV-03) over an embedded store's folder. LevelDB compresses its
 * tables (.ldb/.sst) with Snappy and prefix-compresses keys, so a raw byte search (storeBytes.ts)
 * can miss text that is there: a repeated piece is stored as a back-reference. This also reads
 * every table — footer, index, each data block decompressed — and searches its keys and values
 * whole. Test-only code; LevelDB's table format: github.com/google/leveldb doc/table_format.md.
 */
export async function storeNeedles(dir: string, needles: string[]): Promise<ByteHit[]> {
  const hits = await findBytes(dir, needles);
  for (const file of await filesUnder(dir)) {
    if (!/\.(ldb|sst)$/.test(file)) continue;
    const bytes = await readIfPresent(file);
    if (!bytes) continue;
    const decoded = Buffer.concat(tableEntries(bytes));
    for (const needle of needles) {
      if (decoded.includes(Buffer.from(needle, 'utf8')) && !hits.some((h) => h.file === file && h.needle === needle)) hits.push({ file, needle });
    }
  }
  return hits;
}

function varint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (let i = at; ; i++) {
    const byte = buf[i];
    if (byte === undefined) throw new Error('truncated varint');
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, i + 1];
    shift += 7;
  }
}

export function snappyDecode(input: Buffer): Buffer {
  const [length, start] = varint(input, 0);
  const out = Buffer.alloc(length);
  let o = 0;
  let i = start;
  while (i < input.length) {
    const tag = input[i++] as number;
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >> 2;
      if (len >= 60) {
        const extra = len - 59;
        len = input.readUIntLE(i, extra);
        i += extra;
      }
      len += 1;
      input.copy(out, o, i, i + len);
      i += len;
      o += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      len = ((tag >> 2) & 7) + 4;
      offset = ((tag >> 5) << 8) | (input[i++] as number);
    } else if (kind === 2) {
      len = (tag >> 2) + 1;
      offset = input.readUInt16LE(i);
      i += 2;
    } else {
      len = (tag >> 2) + 1;
      offset = input.readUInt32LE(i);
      i += 4;
    }
    // Byte by byte: a copy may overlap what it writes.
    for (let k = 0; k < len; k++, o++) out[o] = out[o - offset] as number;
  }
  return out;
}

/** A block's contents (its 5-byte trailer says whether Snappy compressed it). */
function block(table: Buffer, offset: number, size: number): Buffer {
  const raw = table.subarray(offset, offset + size);
  return table[offset + size] === 1 ? snappyDecode(raw) : raw;
}

/** Keys and values of one block, keys rebuilt whole from their shared prefixes. */
function blockEntries(data: Buffer): Array<{ key: Buffer; value: Buffer }> {
  const restarts = data.readUInt32LE(data.length - 4);
  const end = data.length - 4 - restarts * 4;
  const entries: Array<{ key: Buffer; value: Buffer }> = [];
  let key = Buffer.alloc(0);
  for (let i = 0; i < end;) {
    const [shared, a] = varint(data, i);
    const [unshared, b] = varint(data, a);
    const [valueLength, c] = varint(data, b);
    key = Buffer.concat([key.subarray(0, shared), data.subarray(c, c + unshared)]);
    entries.push({ key, value: data.subarray(c + unshared, c + unshared + valueLength) });
    i = c + unshared + valueLength;
  }
  return entries;
}

/** Every key and value of a table file, decompressed (the footer's index block names the data blocks). */
function tableEntries(table: Buffer): Buffer[] {
  if (table.length < 48) return [];
  const footer = table.subarray(table.length - 48);
  const [, a] = varint(footer, 0);
  const [, b] = varint(footer, a);
  const [indexOffset, c] = varint(footer, b);
  const [indexSize] = varint(footer, c);
  const parts: Buffer[] = [];
  for (const { key, value } of blockEntries(block(table, indexOffset, indexSize))) {
    parts.push(key);
    const [offset, next] = varint(value, 0);
    const [size] = varint(value, next);
    for (const entry of blockEntries(block(table, offset, size))) parts.push(entry.key, Buffer.from('\n'), entry.value, Buffer.from('\n'));
  }
  return parts;
}
