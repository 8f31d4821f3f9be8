// The predictor image of big forests in binary files: loadModelFile answers from it exactly as the trees do,
// reads nothing else, and refuses a damaged or malformed image; a full parse checks it against the trees;
// an image for another kernel layout and files from before images (container version 1) still load.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  createPredictor,
  parseArtifactBinary,
  serializeArtifact,
  serializeArtifactBinary,
} from './artifact.js';
import { decodeHead, encodeContainer, externalize, type SectionArray } from './binary-format.js';
import { crc32 } from './crc32.js';
import { ArtifactError } from './errors.js';
import { FOREST_IMAGE_LAYOUT } from './forest-image.js';
import { loadModelBytes, loadModelFile } from './load.js';
import { trainFromConfig } from './train.js';
import type { TreeEnsemblePredictor } from './tree-ensemble.js';
import type { ModelArtifact, Predictor } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-image-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const dataset = {
  make_classification: {
    n_samples: 3000,
    n_features: 6,
    n_informative: 3,
    n_classes: 3,
    flip_y: 0.2,
    random_state: 3,
  },
};
/** Forests of more than 4096 nodes (the size from which files carry an image). */
const forest = (kind: string): ModelArtifact =>
  trainFromConfig({ dataset, model: { [kind]: { n_estimators: 6, random_state: 0 } } });
const classifier = forest('RandomForestClassifier');
const regressor = forest('RandomForestRegressor');

const rows = Array.from({ length: 300 }, (_, i) =>
  Array.from({ length: 6 }, (_, j) => Math.sin(i * 6 + j) * 3 + (i % 7 === 0 ? 0.5 : 0)),
);

/** Every output of `p` on the rows, as the exact float64 bits. */
function answers(p: Predictor): number[] {
  return rows.flatMap((r) =>
    p.task === 'classification' ? Array.from(p.predictProba(r)) : [p.predict(r) as number],
  );
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** The image section of a file: its table entry index and where its bytes lie. */
function imageSection(bin: Uint8Array): { index: number; offset: number; byteLength: number } {
  const head = decodeHead(bin, bin.length);
  const index = head.sections.findIndex((s) => s.dtype === 'uint8');
  const s = head.sections[index];
  assert.ok(s !== undefined, 'the file has a byte section (the image)');
  return { index, offset: s.offset, byteLength: s.byteLength };
}

/** Re-computes section `index`'s CRC after an edit of its bytes, then the head's (it covers the table). */
function reseal(bin: Uint8Array, index: number): Uint8Array {
  const { offset, byteLength } = imageSection(bin);
  const dv = new DataView(bin.buffer, bin.byteOffset);
  dv.setUint32(32 + 16 * index + 4, crc32(bin.subarray(offset, offset + byteLength)), true);
  const headEnd = 32 + 16 * dv.getUint32(28, true) + dv.getUint32(24, true);
  dv.setUint32(12, crc32(bin.subarray(16, headEnd)), true);
  return bin;
}

const refused = (f: () => unknown, re: RegExp, why: string): void =>
  assert.throws(f, (e: unknown) => e instanceof ArtifactError && re.test(e.message), why);

test('a big forest loads from its image with answers bit-identical to the trees', () => {
  for (const a of [classifier, regressor]) {
    const bin = serializeArtifactBinary(a);
    const head = decodeHead(bin, bin.length);
    const meta = head.metadata as { predictorImage?: { layout: string } };
    assert.equal(meta.predictorImage?.layout, FOREST_IMAGE_LAYOUT, `${a.kind}: the file carries an image`);
    const p = loadModelFile(write(`${a.kind}.lmlb`, bin));
    assert.equal((p as TreeEnsemblePredictor).engine, 'wasm', 'the kernel runs the stored image');
    assert.deepEqual(answers(p), answers(createPredictor(a)), `${a.kind}: same answers as the trees`);
    assert.deepEqual(answers(loadModelBytes(bin, 'in memory')), answers(createPredictor(a)));
    // The full parse accepts it (the image is what the trees pack to) and drops it from the artifact.
    assert.equal(serializeArtifact(parseArtifactBinary(bin)), serializeArtifact(a));
  }
});

test('the load reads only the head and the image; a full parse reads and checks everything', () => {
  const bin = serializeArtifactBinary(classifier);
  const first = decodeHead(bin, bin.length).sections[0];
  assert.ok(first !== undefined);
  bin[first.offset] = (bin[first.offset] as number) ^ 0xff; // a tree's array, not the image
  assert.deepEqual(
    answers(loadModelFile(write('tree-damaged.lmlb', bin))),
    answers(createPredictor(classifier)),
  );
  refused(
    () => parseArtifactBinary(bin),
    /checksum mismatch in section 0/,
    'convert/describe see the damage',
  );
});

test('a damaged or malformed image is refused with what is wrong', () => {
  const bin = serializeArtifactBinary(classifier);
  const { index, offset } = imageSection(bin);
  const flipped = bin.slice();
  flipped[offset + 200] = (flipped[offset + 200] as number) ^ 4;
  refused(
    () => loadModelFile(write('flipped.lmlb', flipped)),
    /checksum mismatch in section \d+/,
    'one flipped bit',
  );
  // Re-sealed edits: only the structural check can catch them. Node 0 of tree 0 is a split (records at
  // 16 + 12 * 6 trees = 88 rounded up to 88): point its right child back at itself.
  const nodesAt = Math.ceil((16 + 12 * 6) / 8) * 8;
  const edits: [string, (dv: DataView) => void, RegExp][] = [
    [
      'a right child that loops back',
      (dv) => dv.setInt32(offset + nodesAt + 8, nodesAt, true),
      /tree 0, node 0/,
    ],
    [
      'a right child between records',
      (dv) => dv.setInt32(offset + nodesAt + 8, nodesAt + 12 + 4, true),
      /tree 0, node 0/,
    ],
    ['a feature out of range', (dv) => dv.setInt32(offset + nodesAt + 4, 4 * 6, true), /tree 0, node 0/],
    ['a NaN threshold', (dv) => dv.setFloat32(offset + nodesAt, Number.NaN, true), /tree 0, node 0/],
    ['a tree header that moved', (dv) => dv.setInt32(offset + 16 + 12, 0, true), /tree 1: header/],
  ];
  for (const [why, edit, re] of edits) {
    const bad = bin.slice();
    edit(new DataView(bad.buffer, bad.byteOffset));
    reseal(bad, index);
    refused(() => loadModelFile(write('bad.lmlb', bad)), new RegExp(`predictorImage: ${re.source}`), why);
    refused(
      () => parseArtifactBinary(bad),
      /predictorImage: it is not what the trees pack to/,
      `${why} (full parse)`,
    );
  }
});

test('an image for another kernel layout is ignored, and version 1 files still load', () => {
  const sections: SectionArray[] = [];
  const meta = { ...classifier, estimator: externalize(classifier.estimator, sections) };
  const image = serializeArtifactBinary(classifier).subarray(
    imageSection(serializeArtifactBinary(classifier)).offset,
  );
  const other = encodeContainer(
    { ...meta, predictorImage: { layout: 'a future kernel', bytes: { $section: sections.length } } },
    [...sections, image.slice(0, 64)],
  );
  const expected = answers(createPredictor(classifier));
  assert.deepEqual(
    answers(loadModelFile(write('other.lmlb', other))),
    expected,
    'other layout: packed from the trees',
  );
  const v1 = encodeContainer(meta, sections, 1);
  assert.equal(new DataView(v1.buffer).getUint32(8, true), 1);
  assert.deepEqual(answers(loadModelFile(write('v1.lmlb', v1))), expected, 'a version 1 file');
  assert.equal(serializeArtifact(parseArtifactBinary(v1)), serializeArtifact(classifier));
});
