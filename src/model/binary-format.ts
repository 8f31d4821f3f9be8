// The binary container of model files: a checksummed header, JSON metadata, and typed-array sections that
// the metadata points at with {"$section": i}. It knows nothing of model kinds: any numeric array of any
// kind's estimator can live in a section, and reading one is a typed-array view, not a parse.
//
// Layout (little-endian), container version 2:
//   0   8  magic 89 4C 4D 4C 0D 0A 1A 0A ("\x89LML\r\n\x1a\n": a text-mode copy or a truncated upload breaks it)
//   8   4  container version (CONTAINER_VERSION)
//   12  4  CRC-32 of the bytes from offset 16 to the end of the metadata (the "head")
//   16  8  file length in bytes
//   24  4  metadata length in bytes (UTF-8 JSON)
//   28  4  number of sections n
//   32  16n section table: dtype (u32), CRC-32 of the section's bytes (u32), element count (u64)
//   ..     metadata, then zero bytes up to a multiple of 8
//   ..     the sections in table order, each followed by zero bytes up to a multiple of 8
// Offsets are implied by the table, so there is one byte layout per content (writing is deterministic).
// Every byte is covered: the head by its CRC, each section by its own, padding must be zero. A reader
// that needs only some sections (the function's model load reads the predictor image alone, see
// forest-image.ts) checks the head and the sections it reads. Version 1 (still read) had one CRC of
// bytes 16 to the end at offset 12 and 0 in each entry's second word.
import { endianness } from 'node:os';
import { crc32 } from './crc32.js';
import { ArtifactError } from './errors.js';

export const BINARY_MAGIC = Uint8Array.of(0x89, 0x4c, 0x4d, 0x4c, 0x0d, 0x0a, 0x1a, 0x0a);
export const CONTAINER_VERSION = 2;
const READABLE_CONTAINERS: readonly number[] = [1, 2];
const HEADER = 32;
const ENTRY = 16;

/** Section element types. Float32 is chosen only where every value is exactly a float32. */
const DTYPES = {
  1: { name: 'float64', size: 8 },
  2: { name: 'float32', size: 4 },
  3: { name: 'int32', size: 4 },
  /** Raw bytes (a predictor image); never chosen for a numeric array. */
  4: { name: 'uint8', size: 1 },
} as const;
type DtypeCode = keyof typeof DTYPES;

export type SectionArray = Float64Array | Float32Array | Int32Array | Uint8Array;

/** Arrays shorter than this stay inline in the metadata (a section costs a 16-byte entry and padding). */
export const MIN_SECTION_LENGTH = 16;

export function startsLikeBinary(bytes: Uint8Array): boolean {
  if (bytes.length < BINARY_MAGIC.length) return false;
  for (let i = 0; i < BINARY_MAGIC.length; i++) if (bytes[i] !== BINARY_MAGIC[i]) return false;
  return true;
}

const pad8 = (n: number): number => Math.ceil(n / 8) * 8;
const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** The narrowest lossless typed array for a list of numbers, or null if some entry is not a number. */
function toSection(v: ArrayLike<unknown>): SectionArray | null {
  if (v instanceof Int32Array || v instanceof Float32Array) return v;
  let int32 = true;
  let f32 = true;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number') return null;
    if (int32 && !(x === (x | 0) && !Object.is(x, -0))) int32 = false;
    if (f32 && !Object.is(Math.fround(x), x)) f32 = false;
    if (!int32 && !f32) break;
  }
  if (int32) return Int32Array.from(v as ArrayLike<number>);
  if (f32) return Float32Array.from(v as ArrayLike<number>);
  return v instanceof Float64Array ? v : Float64Array.from(v as ArrayLike<number>);
}

/**
 * A JSON-able copy of `value` where every numeric array (or typed array) of at least
 * MIN_SECTION_LENGTH entries is replaced by {"$section": i}, its data appended to `sections`.
 */
export function externalize(value: unknown, sections: SectionArray[]): unknown {
  if (ArrayBuffer.isView(value) || Array.isArray(value)) {
    const a = value as unknown as ArrayLike<unknown>;
    if (a.length >= MIN_SECTION_LENGTH) {
      const section = toSection(a);
      if (section !== null) {
        sections.push(section);
        return { $section: sections.length - 1 };
      }
    }
    return Array.from(a, (x) => externalize(x, sections));
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '$section') throw new ArtifactError('a model may not contain the key "$section"');
      out[k] = externalize(v, sections);
    }
    return out;
  }
  return value;
}

function dtypeOf(a: SectionArray): DtypeCode {
  if (a instanceof Float64Array) return 1;
  if (a instanceof Float32Array) return 2;
  if (a instanceof Uint8Array) return 4;
  return 3;
}

/**
 * The container bytes of `metadata` (a JSON-able value with {"$section": i} references) and its sections.
 * `version` 1 writes the former layout (tests check that such files still load).
 */
export function encodeContainer(
  metadata: unknown,
  sections: readonly SectionArray[],
  version = CONTAINER_VERSION,
): Uint8Array {
  const json = Buffer.from(JSON.stringify(metadata), 'utf8');
  let length = pad8(HEADER + ENTRY * sections.length + json.length);
  for (const s of sections) length += pad8(s.byteLength);
  const out = new Uint8Array(length);
  const dv = new DataView(out.buffer);
  out.set(BINARY_MAGIC, 0);
  dv.setUint32(8, version, true);
  dv.setBigUint64(16, BigInt(length), true);
  dv.setUint32(24, json.length, true);
  dv.setUint32(28, sections.length, true);
  let at = HEADER;
  for (const s of sections) {
    dv.setUint32(at, dtypeOf(s), true);
    dv.setBigUint64(at + 8, BigInt(s.length), true);
    at += ENTRY;
  }
  out.set(json, at);
  const headEnd = at + json.length;
  at = pad8(headEnd);
  for (const [i, s] of sections.entries()) {
    if (LITTLE_ENDIAN_HOST || s instanceof Uint8Array)
      out.set(new Uint8Array(s.buffer, s.byteOffset, s.byteLength), at);
    else {
      for (let j = 0; j < s.length; j++) {
        if (s instanceof Float64Array) dv.setFloat64(at + 8 * j, s[j] as number, true);
        else if (s instanceof Float32Array) dv.setFloat32(at + 4 * j, s[j] as number, true);
        else dv.setInt32(at + 4 * j, s[j] as number, true);
      }
    }
    if (version >= 2) dv.setUint32(HEADER + ENTRY * i + 4, crc32(out.subarray(at, at + s.byteLength)), true);
    at += pad8(s.byteLength);
  }
  dv.setUint32(12, crc32(out.subarray(16, version >= 2 ? headEnd : length)), true);
  return out;
}

function bad(what: string): never {
  throw new ArtifactError(`binary model file: ${what}`);
}

/** A typed view of one section (a copy on a big-endian host, where the bytes must be swapped). */
function sectionView(code: DtypeCode, bytes: Uint8Array, at: number, count: number): SectionArray {
  const { buffer, byteOffset } = bytes;
  if (code === 4) return new Uint8Array(buffer, byteOffset + at, count);
  if (LITTLE_ENDIAN_HOST) {
    if (code === 1) return new Float64Array(buffer, byteOffset + at, count);
    if (code === 2) return new Float32Array(buffer, byteOffset + at, count);
    return new Int32Array(buffer, byteOffset + at, count);
  }
  const dv = new DataView(buffer, byteOffset + at);
  if (code === 1) return Float64Array.from({ length: count }, (_, i) => dv.getFloat64(8 * i, true));
  if (code === 2) return Float32Array.from({ length: count }, (_, i) => dv.getFloat32(4 * i, true));
  return Int32Array.from({ length: count }, (_, i) => dv.getInt32(4 * i, true));
}

/** Replaces every {"$section": i} in parsed metadata by its array; each section is used exactly once. */
function resolve(value: unknown, sections: SectionArray[], used: Uint8Array): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = resolve(value[i], sections, used);
    return value;
  }
  if (typeof value !== 'object' || value === null) return value;
  const o = value as Record<string, unknown>;
  if ('$section' in o) {
    const i = sectionIndex(o, sections.length);
    if (used[i] !== 0) bad(`section ${i} is referenced twice`);
    used[i] = 1;
    return sections[i];
  }
  for (const k of Object.keys(o)) o[k] = resolve(o[k], sections, used);
  return o;
}

/** The index of a {"$section": i} reference, checked against the number of sections. */
export function sectionIndex(ref: unknown, n: number): number {
  const o = ref as Record<string, unknown>;
  const i = typeof o === 'object' && o !== null ? o.$section : undefined;
  if (Object.keys(o ?? {}).length !== 1 || typeof i !== 'number' || !Number.isInteger(i)) {
    bad(`malformed section reference ${JSON.stringify(ref)?.slice(0, 80)}`);
  }
  if (i < 0 || i >= n) bad(`section reference ${i} out of [0, ${n})`);
  return i;
}

/** Where one section lies in the file and what it holds. */
export interface SectionInfo {
  readonly dtype: 'float64' | 'float32' | 'int32' | 'uint8';
  readonly count: number;
  readonly offset: number;
  readonly byteLength: number;
  /** CRC-32 of its bytes (version 2; null in a version 1 file, whose one CRC covers the whole file). */
  readonly crc: number | null;
}

/** The checked header, section table and parsed (unresolved) metadata of a container. */
export interface ContainerHead {
  readonly version: number;
  readonly length: number;
  /** The metadata as parsed: {"$section": i} references are still in place. */
  readonly metadata: unknown;
  readonly sections: readonly SectionInfo[];
}

/**
 * How many bytes from the start of a file hold its header, section table and metadata, told by its
 * first 32 bytes (magic and version are checked).
 */
export function headLength(first: Uint8Array): number {
  if (!startsLikeBinary(first)) bad('it does not start with the lambda-ml binary signature');
  if (first.length < HEADER) bad(`truncated: ${first.length} bytes, shorter than the ${HEADER}-byte header`);
  const dv = new DataView(first.buffer, first.byteOffset, HEADER);
  const version = dv.getUint32(8, true);
  if (!READABLE_CONTAINERS.includes(version)) {
    bad(
      `container version ${version}; this lambda-ml reads versions ${READABLE_CONTAINERS.join(' and ')} (a newer lambda-ml wrote it?)`,
    );
  }
  return HEADER + ENTRY * dv.getUint32(28, true) + dv.getUint32(24, true);
}

/**
 * Checks a container's header, table and metadata: `head` holds at least its first headLength() bytes,
 * `fileLength` is the size of the whole file. A version 2 head is checked against its own CRC; a
 * version 1 file's CRC covers the whole file, which only decodeContainer can check.
 */
export function decodeHead(head: Uint8Array, fileLength: number): ContainerHead {
  const end = headLength(head);
  if (head.length < end)
    bad(`truncated: ${head.length} bytes, shorter than its ${end}-byte header and metadata`);
  const dv = new DataView(head.buffer, head.byteOffset, end);
  const version = dv.getUint32(8, true);
  const length = Number(dv.getBigUint64(16, true));
  if (length !== fileLength) {
    bad(`the header says ${length} bytes but the file has ${fileLength} (truncated or appended to)`);
  }
  if (end > length) bad(`section table and metadata (${end} bytes) exceed the file`);
  if (version >= 2 && crc32(head.subarray(16, end)) !== dv.getUint32(12, true)) {
    bad('checksum mismatch in the header or metadata: the file was damaged or modified after it was written');
  }
  const jsonLength = dv.getUint32(24, true);
  const n = dv.getUint32(28, true);
  const sections: SectionInfo[] = [];
  let at = pad8(end);
  for (let i = 0; i < n; i++) {
    const e = HEADER + ENTRY * i;
    const code = dv.getUint32(e, true);
    const count = Number(dv.getBigUint64(e + 8, true));
    const dtype = DTYPES[code as DtypeCode];
    if (dtype === undefined || (version < 2 && dv.getUint32(e + 4, true) !== 0)) {
      bad(`section ${i} has unknown type ${code}`);
    }
    const byteLength = count * dtype.size;
    if (at + byteLength > length) bad(`section ${i} (${count} values) runs past the end of the file`);
    sections.push({
      dtype: dtype.name,
      count,
      offset: at,
      byteLength,
      crc: version >= 2 ? dv.getUint32(e + 4, true) : null,
    });
    at += pad8(byteLength);
  }
  if (at !== length) bad(`${length - at} unexpected bytes after the last section`);
  let metadata: unknown;
  try {
    metadata = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(end - jsonLength, end)),
    );
  } catch (error) {
    bad(`its metadata is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  return { version, length, metadata, sections };
}

/** Throws unless the bytes of section `i` (as read from the file) match their CRC-32. */
export function checkSection(info: SectionInfo, i: number, bytes: Uint8Array): void {
  if (info.crc !== null && crc32(bytes) !== info.crc) {
    bad(`checksum mismatch in section ${i}: the file was damaged or modified after it was written`);
  }
}

const CODES: Record<SectionInfo['dtype'], DtypeCode> = { float64: 1, float32: 2, int32: 3, uint8: 4 };

function zeros(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * Checks a whole container (magic, version, length, checksums, table, zero padding) and returns its
 * metadata with every section reference replaced by a typed array viewing `bytes` (no copy on
 * little-endian hosts).
 */
export function decodeContainer(input: Uint8Array): unknown {
  // Typed views need 8-byte aligned sections: copy a buffer that starts misaligned (rare).
  const bytes = input.byteOffset % 8 === 0 ? input : input.slice();
  headLength(bytes);
  const head = decodeHead(bytes, bytes.length);
  if (head.version < 2) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, HEADER);
    if (crc32(bytes.subarray(16)) !== dv.getUint32(12, true)) {
      bad('checksum mismatch: the file was damaged or modified after it was written');
    }
  }
  const sections: SectionArray[] = [];
  let padFrom = headLength(bytes);
  for (const [i, info] of head.sections.entries()) {
    if (!zeros(bytes, padFrom, info.offset)) bad(`non-zero padding before section ${i}`);
    checkSection(info, i, bytes.subarray(info.offset, info.offset + info.byteLength));
    sections.push(sectionView(CODES[info.dtype], bytes, info.offset, info.count));
    padFrom = info.offset + info.byteLength;
  }
  if (!zeros(bytes, padFrom, bytes.length)) bad('non-zero padding after the last section');
  const used = new Uint8Array(sections.length);
  const resolved = resolve(head.metadata, sections, used);
  const unused = used.indexOf(0);
  if (unused >= 0) bad(`section ${unused} is not referenced by the metadata`);
  return resolved;
}
