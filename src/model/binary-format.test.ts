// The binary model file: every trainable kind round-trips to the same JSON and the same predictions,
// writing is deterministic, and damaged, truncated, re-signed-but-invalid or future files are refused
// with an ArtifactError that says what is wrong.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  createPredictor,
  parseArtifact,
  parseArtifactBinary,
  parseArtifactBytes,
  serializeArtifact,
  serializeArtifactBinary,
} from './artifact.js';
import {
  decodeContainer,
  decodeHead,
  encodeContainer,
  externalize,
  type SectionArray,
} from './binary-format.js';
import { crc32, crc32Portable } from './crc32.js';
import { ArtifactError } from './errors.js';
import { loadModelFile } from './load.js';
import { TRAINABLE } from './params.js';
import { trainFromConfig } from './train.js';
import type { FlatTree, ModelArtifact } from './types.js';

const dataset = {
  make_classification: { n_samples: 300, n_features: 5, n_classes: 3, n_informative: 3, random_state: 4 },
};
const artifactOf = (kind: string): ModelArtifact =>
  trainFromConfig({
    dataset,
    model: { [kind]: { random_state: 1, ...(kind.startsWith('Random') ? { n_estimators: 3 } : {}) } },
  });

const rejects = (bytes: Uint8Array, re: RegExp, why: string): void =>
  assert.throws(
    () => parseArtifactBinary(bytes),
    (e: unknown) => e instanceof ArtifactError && re.test(e.message),
    why,
  );

const SIZES: Record<number, number> = { 1: 8, 2: 4, 3: 4, 4: 1 };

/** Re-computes the CRCs (of each section, then of the head) after an edit, so only the structural checks can catch it. */
function resealed(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const dv = new DataView(out.buffer);
  const n = dv.getUint32(28, true);
  const headEnd = 32 + 16 * n + dv.getUint32(24, true);
  let at = Math.ceil(headEnd / 8) * 8;
  for (let i = 0; i < n && at < out.length; i++) {
    const size = SIZES[dv.getUint32(32 + 16 * i, true)];
    if (size === undefined) break;
    const length = size * Number(dv.getBigUint64(32 + 16 * i + 8, true));
    dv.setUint32(32 + 16 * i + 4, crc32(out.subarray(at, at + length)), true);
    at += Math.ceil(length / 8) * 8;
  }
  dv.setUint32(12, crc32(out.subarray(16, headEnd)), true);
  return out;
}

test('every trainable kind round-trips through the binary form to the same JSON and predictions', () => {
  for (const kind of TRAINABLE) {
    const a = artifactOf(kind);
    const bin = serializeArtifactBinary(a);
    const back = parseArtifactBinary(bin);
    assert.equal(
      serializeArtifact(back),
      serializeArtifact(a),
      `${kind}: same JSON after a binary round trip`,
    );
    assert.deepEqual(serializeArtifactBinary(back), bin, `${kind}: binary -> binary is the identity`);
    const tree = (back.estimator as { trees: FlatTree[] }).trees[0] as FlatTree;
    assert.ok(tree.childrenLeft instanceof Int32Array, 'big integer arrays are int32 sections');
    assert.ok(tree.threshold instanceof Float64Array, 'thresholds are float64 sections');
    const p1 = createPredictor(a);
    const p2 = createPredictor(parseArtifactBytes(bin));
    for (const row of [
      [0.3, -1.2, 2.2, 0.1, -0.4],
      [-2, 0.5, 0, 1.5, 3],
    ]) {
      assert.deepEqual(p2.predict(row), p1.predict(row));
      if (p1.task === 'classification')
        assert.deepEqual(Array.from(p2.predictProba(row)), Array.from(p1.predictProba(row)));
    }
  }
});

test('the same model gives byte-identical binary files; parseArtifactBytes takes both encodings', () => {
  const a = artifactOf('RandomForestClassifier');
  assert.deepEqual(serializeArtifactBinary(a), serializeArtifactBinary(artifactOf('RandomForestClassifier')));
  const json = serializeArtifact(a);
  assert.equal(serializeArtifact(parseArtifactBytes(Buffer.from(json))), json);
});

test('sections take the narrowest exact type; short and mixed arrays stay inline JSON', () => {
  const sections: SectionArray[] = [];
  const ints = Array.from({ length: 20 }, (_, i) => i - 10);
  const halves = ints.map((i) => i / 2);
  const doubles = ints.map((i) => i / 3);
  const withNegZero = [...ints.slice(1), -0];
  const meta = externalize(
    { ints, halves, doubles, withNegZero, short: [1, 2, 3], mixed: [...ints, 'x'] },
    sections,
  ) as Record<string, unknown>;
  assert.deepEqual(
    sections.map((s) => s.constructor.name),
    ['Int32Array', 'Float32Array', 'Float64Array', 'Float32Array'],
  );
  assert.deepEqual(meta.short, [1, 2, 3]);
  assert.equal((meta.mixed as unknown[]).length, 21);
  const back = decodeContainer(encodeContainer(meta, sections)) as Record<string, ArrayLike<number>>;
  assert.deepEqual(Array.from(back.doubles as Float64Array), doubles);
  assert.ok(Object.is((back.withNegZero as Float32Array)[19], -0), '-0 survives');
  assert.throws(() => externalize({ a: { $section: 1 } }, []), /may not contain the key "\$section"/);
});

test('damaged, truncated, foreign and future binary files are refused', () => {
  const bin = serializeArtifactBinary(artifactOf('RandomForestClassifier'));
  rejects(
    bin.subarray(0, bin.length - 8),
    /header says \d+ bytes but the file has \d+ \(truncated/,
    'truncated',
  );
  rejects(bin.subarray(0, 20), /truncated: 20 bytes/, 'truncated header');
  const last = decodeHead(bin, bin.length).sections.at(-1);
  assert.ok(last !== undefined && last.offset + last.byteLength < bin.length, 'the last section is padded');
  const flipped = bin.slice();
  flipped[last.offset + 1] = (flipped[last.offset + 1] as number) ^ 1;
  rejects(flipped, /checksum mismatch in section \d+/, 'one flipped bit in a section');
  const padded = bin.slice();
  padded[bin.length - 1] = 1;
  rejects(padded, /non-zero padding after the last section/, 'a byte set in the padding');
  const meta = bin.slice();
  const at = Buffer.from(bin).indexOf('"kind"') + 2;
  meta[at] = (meta[at] as number) ^ 0x20;
  rejects(meta, /checksum mismatch in the header or metadata/, 'an edit in the metadata');
  const future = bin.slice();
  new DataView(future.buffer).setUint32(8, 3, true);
  rejects(resealed(future), /container version 3; this lambda-ml reads versions 1 and 2/, 'future container');
  rejects(Buffer.from('PK\x03\x04 not a model'), /does not start with the lambda-ml binary signature/, 'zip');
  const badType = bin.slice();
  new DataView(badType.buffer).setUint32(32, 9, true);
  rejects(resealed(badType), /section 0 has unknown type 9/, 'unknown dtype');
  const appended = new Uint8Array(bin.length + 8);
  appended.set(bin);
  new DataView(appended.buffer).setBigUint64(16, BigInt(appended.length), true);
  rejects(resealed(appended), /8 unexpected bytes after the last section/, 'appended bytes');
});

test('a well-sealed file with an invalid model inside is refused by the same checks as JSON', () => {
  const a = artifactOf('RandomForestClassifier');
  const trees = (a.estimator as { trees: FlatTree[] }).trees;
  const edit = (change: (t: FlatTree & Record<string, unknown>) => void): Uint8Array => {
    const copy = structuredClone(a);
    change((copy.estimator as { trees: (FlatTree & Record<string, unknown>)[] }).trees[0] as never);
    return serializeArtifactBinary(copy);
  };
  assert.ok((trees[0]?.nodeCount ?? 0) > 16, 'the fixture tree is big enough for sections');
  rejects(
    edit((t) => {
      (t.threshold as number[])[0] = Number.NaN;
    }),
    /threshold: expected an array of \d+ finite numbers/,
    'NaN threshold (JSON cannot carry one; a binary section can)',
  );
  rejects(
    edit((t) => {
      (t.childrenLeft as number[])[0] = 0;
    }),
    /children \(0, \d+\) must be distinct node ids after 0/,
    'a cycle',
  );
  rejects(
    edit((t) => {
      (t.value as number[]).pop();
    }),
    /value: expected an array of/,
    'short value section',
  );
  rejects(
    edit((t) => {
      (t.feature as number[])[0] = 7;
    }),
    /feature 7 out of \[0, 5\)/,
    'feature out of range',
  );
  const twice = serializeArtifactBinary({ ...a, formatVersion: 99 });
  rejects(twice, /"formatVersion" is 99; expected 1/, 'unknown artifact version inside a valid container');
});

test('section references must be well formed and each used exactly once', () => {
  const s = [Int32Array.from({ length: 16 }, (_, i) => i)];
  assert.throws(
    () => decodeContainer(encodeContainer({ a: { $section: 0 }, b: { $section: 0 } }, s)),
    /section 0 is referenced twice/,
  );
  assert.throws(() => decodeContainer(encodeContainer({ a: 1 }, s)), /section 0 is not referenced/);
  assert.throws(
    () => decodeContainer(encodeContainer({ a: { $section: 1 } }, s)),
    /section reference 1 out of \[0, 1\)/,
  );
  assert.throws(
    () => decodeContainer(encodeContainer({ a: { $section: 0, x: 1 } }, s)),
    /malformed section reference/,
  );
});

test('loadModelFile loads binary files; a misaligned buffer is still read correctly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-binary-'));
  try {
    const a = artifactOf('RandomForestRegressor');
    const bin = serializeArtifactBinary(a);
    const path = join(dir, 'model.lmlb');
    writeFileSync(path, bin);
    const row = [0.5, 0.5, 0.5, 0.5, 0.5];
    assert.equal(loadModelFile(path).predict(row), createPredictor(a).predict(row));
    const shifted = new Uint8Array(bin.length + 1).subarray(1);
    shifted.set(bin);
    assert.equal(
      serializeArtifact(parseArtifactBinary(shifted)),
      serializeArtifact(parseArtifact(serializeArtifact(a))),
    );
    writeFileSync(path, bin.subarray(0, 100));
    assert.throws(
      () => loadModelFile(path),
      (e: unknown) => e instanceof ArtifactError && e.message.startsWith(path),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the portable CRC-32 equals zlib's", () => {
  const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff);
  assert.equal(crc32Portable(data), crc32(data));
  assert.equal(crc32Portable(Buffer.from('123456789')), 0xcbf43926);
});
