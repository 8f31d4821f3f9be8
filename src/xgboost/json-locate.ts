// Finds where a JSON text first breaks the grammar (V8's JSON.parse does not always say): a
// non-allocating scan with an explicit stack, run only after JSON.parse has failed.

export interface JsonProblem {
  readonly offset: number;
  readonly what: string;
}

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;

function skipBlank(b: Uint8Array, i: number): number {
  let j = i;
  while (j < b.length && (b[j] === 0x20 || b[j] === 0x0a || b[j] === 0x0d || b[j] === 0x09)) j++;
  return j;
}

function describe(b: Uint8Array, i: number): string {
  return i >= b.length ? 'the end of the file' : `'${String.fromCharCode(b[i] as number)}'`;
}

/** Scans one scalar at i; returns the offset after it, or a problem. */
function scalar(b: Uint8Array, text: string, i: number): number | JsonProblem {
  const c = b[i];
  if (c === 0x22) {
    let j = i + 1;
    while (j < b.length && b[j] !== 0x22) j += b[j] === 0x5c ? 2 : 1;
    return j < b.length ? j + 1 : { offset: i, what: 'a string that never ends' };
  }
  for (const word of ['true', 'false', 'null']) {
    if (text.startsWith(word, i)) return i + word.length;
  }
  NUMBER.lastIndex = i;
  const m = NUMBER.exec(text);
  if (m && m[0].length > 0) return i + m[0].length;
  return { offset: i, what: `expected a value, found ${describe(b, i)}` };
}

/** A key and its ':' at i; returns where the value starts, or a problem. */
function afterKey(b: Uint8Array, text: string, i: number): number | JsonProblem {
  const key =
    b[i] === 0x22 ? scalar(b, text, i) : { offset: i, what: `expected a key, found ${describe(b, i)}` };
  if (typeof key !== 'number') return key;
  const j = skipBlank(b, key);
  if (b[j] !== 0x3a) return { offset: j, what: `expected ':' after a key, found ${describe(b, j)}` };
  return skipBlank(b, j + 1);
}

/** The first grammar error of `b` (ASCII-compatible UTF-8), or null when it is valid JSON. */
export function locateJsonError(b: Uint8Array): JsonProblem | null {
  const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
  const stack: number[] = []; // 0x7b object, 0x5b array
  let i = skipBlank(b, 0);
  for (;;) {
    // Expect a value.
    const c = b[i];
    if (c === 0x7b || c === 0x5b) {
      stack.push(c);
      i = skipBlank(b, i + 1);
      if (b[i] !== (c === 0x7b ? 0x7d : 0x5d)) {
        if (c === 0x7b) {
          const v = afterKey(b, text, i);
          if (typeof v !== 'number') return v;
          i = v;
        }
        continue;
      }
      stack.pop();
      i++;
    } else {
      const end = scalar(b, text, i);
      if (typeof end !== 'number') return end;
      i = end;
    }
    // After a value: ',' then the next entry, or the container's end.
    for (;;) {
      i = skipBlank(b, i);
      const open = stack[stack.length - 1];
      if (open === undefined) {
        return i < b.length ? { offset: i, what: `unexpected ${describe(b, i)} after the document` } : null;
      }
      const close = open === 0x7b ? 0x7d : 0x5d;
      if (b[i] === close) {
        stack.pop();
        i++;
        continue;
      }
      if (b[i] !== 0x2c) {
        return {
          offset: i,
          what: `expected ',' or '${String.fromCharCode(close)}', found ${describe(b, i)}`,
        };
      }
      i = skipBlank(b, i + 1);
      if (open === 0x7b) {
        const v = afterKey(b, text, i);
        if (typeof v !== 'number') return v;
        i = v;
      }
      break;
    }
  }
}
