// The model file: every trainable kind round-trips, the bytes are deterministic, and truncated,
// edited, damaged or unknown-version files are rejected with ArtifactError.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createPredictor, parseArtifact, serializeArtifact } from './artifact.js';
import { ArtifactError, PredictInputError } from './errors.js';
import { loadModelFile } from './load.js';
import { TRAINABLE } from './params.js';
import { trainFromConfig } from './train.js';
import type { ModelArtifact } from './types.js';

const dataset = {
  make_classification: { n_samples: 120, n_features: 5, n_classes: 3, n_informative: 3, random_state: 4 },
};
const artifactOf = (kind: string): ModelArtifact =>
  trainFromConfig({
    dataset,
    model: {
      [kind]: { random_state: 1, max_depth: 4, ...(kind.startsWith('Random') ? { n_estimators: 3 } : {}) },
    },
  });

/** Re-signs an edited body, so only the structural checks can catch the damage. */
function resign(a: ModelArtifact): string {
  const { sha256: _drop, ...rest } = a as ModelArtifact & { sha256?: string };
  return serializeArtifact(rest as ModelArtifact);
}

test('every trainable kind round-trips and predicts the same', () => {
  for (const kind of TRAINABLE) {
    const a = artifactOf(kind);
    const text = serializeArtifact(a);
    assert.equal(serializeArtifact(parseArtifact(text)), text, `${kind}: parse/serialize is the identity`);
    const p1 = createPredictor(a);
    const p2 = createPredictor(parseArtifact(text));
    assert.equal(p2.kind, kind);
    const row = [0.3, -1.2, 2.2, 0.1, -0.4];
    assert.deepEqual(p2.predict(row), p1.predict(row));
    if (p2.task === 'classification') {
      assert.deepEqual(p2.classes, [0, 1, 2]);
      assert.deepEqual(Array.from(p2.predictProba(row)), Array.from(p1.predictProba(row)));
    } else {
      assert.equal(p2.classes, null);
      assert.equal(typeof p2.predict(row), 'number');
      assert.throws(() => p2.predictProba(row), PredictInputError);
    }
  }
});

test('the same config gives byte-identical files', () => {
  assert.equal(
    serializeArtifact(artifactOf('RandomForestClassifier')),
    serializeArtifact(artifactOf('RandomForestClassifier')),
  );
});

test('truncated, edited, unknown-version and damaged files are rejected', () => {
  const text = serializeArtifact(artifactOf('RandomForestClassifier'));
  const a = JSON.parse(text) as ModelArtifact & { sha256: string };
  const rejects = (t: string, re: RegExp, why: string) =>
    assert.throws(
      () => parseArtifact(t),
      (e: unknown) => e instanceof ArtifactError && re.test(e.message),
      why,
    );
  rejects(text.slice(0, text.length / 2), /not valid JSON \(truncated or damaged\)/, 'truncated');
  rejects(text.replace('"threshold":[', '"threshold":[1+'), /not valid JSON/, 'garbled');
  const edited = text.replace(/"threshold":\[(-?[0-9.]+)/, (_m, v) => `"threshold":[${Number(v) + 0.5}`);
  assert.notEqual(edited, text);
  rejects(edited, /modified after it was written/, 'edited threshold');
  rejects(
    JSON.stringify({ ...a, formatVersion: 3 }),
    /"formatVersion" is 3; expected 1 or 2/,
    'future version',
  );
  rejects(JSON.stringify({ ...a, format: 'onnx' }), /"format"/, 'other format');
  rejects(JSON.stringify({ ...a, kind: 'SVC' }), /unknown model kind "SVC"/, 'unknown kind');
  rejects('[1,2]', /must be a JSON object/, 'array');
  const est = a.estimator as { trees: { childrenLeft: number[]; feature: number[]; value: number[] }[] };
  const damaged = structuredClone(a);
  (damaged.estimator as typeof est).trees[0]?.childrenLeft.splice(0, 1, 99);
  rejects(resign(damaged), /children .* must be distinct node ids/, 'child out of range');
  const badFeature = structuredClone(a);
  (badFeature.estimator as typeof est).trees[1]?.feature.splice(0, 1, 5);
  rejects(resign(badFeature), /feature 5 out of \[0, 5\)/, 'feature out of range');
  // A DAG: the root's right link points into its left subtree, so one node has two parents.
  const shared = structuredClone(a);
  const t0 = (shared.estimator as typeof est).trees[0] as {
    childrenLeft: number[];
    childrenRight?: number[];
  };
  const left = t0.childrenLeft[0] as number;
  assert.ok(left > 0 && (t0.childrenLeft[left] as number) > 0, 'the fixture tree has depth >= 2');
  t0.childrenRight?.splice(0, 1, t0.childrenLeft[left] as number);
  rejects(resign(shared), /shares a child with another node/, 'shared child');
  const shortValue = structuredClone(a);
  (shortValue.estimator as typeof est).trees[2]?.value.pop();
  rejects(resign(shortValue), /value: expected an array of/, 'value length');
});

test('loadModelFile names the path in its errors and validates rows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-artifact-'));
  try {
    const path = join(dir, 'model.json');
    const text = serializeArtifact(artifactOf('RandomForestClassifier'));
    writeFileSync(path, text);
    const p = loadModelFile(path);
    assert.equal(p.nFeatures, 5);
    assert.throws(() => p.predict([1, 2, 3]), /row has 3 features; the model expects 5/);
    assert.throws(
      () => p.predict([1, 2, Number.NaN, 4, 5]),
      /feature 2 is missing \(NaN\); this model takes no missing values/,
    );
    assert.throws(() => p.predict([1, 2, 1e39, 4, 5]), /within float32 range/);
    assert.throws(
      () => p.predict([1, '2', 3, 4, 5] as unknown as number[]),
      /feature 1 is "2"; expected a number/,
    );
    writeFileSync(path, text.slice(0, 100));
    assert.throws(
      () => loadModelFile(path),
      (e: unknown) => e instanceof ArtifactError && e.message.startsWith(path),
    );
    assert.throws(
      () => loadModelFile(join(dir, 'none.json')),
      /cannot read model file .*none\.json \(ENOENT\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
