// CRC-32 (the zlib/PNG polynomial) of a byte range: Node's zlib.crc32 where it exists (Node >= 20.15,
// SIMD, several GB/s), else a table-driven port that gives the same value, only slower.
import * as zlib from 'node:zlib';

type Crc32 = (data: Uint8Array, value?: number) => number;

let table: Uint32Array | null = null;

function tableCrc32(data: Uint8Array, value = 0): number {
  if (table === null) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  const t = table;
  let c = ~value;
  for (let i = 0; i < data.length; i++) c = (t[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}

const native = (zlib as unknown as { crc32?: Crc32 }).crc32;

/** CRC-32 of `data`, continuing from `value` (0 to start). */
export const crc32: Crc32 = typeof native === 'function' ? native : tableCrc32;

/** The portable implementation, exported so tests can check it against zlib's. */
export const crc32Portable: Crc32 = tableCrc32;
