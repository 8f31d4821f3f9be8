// Structural checks before a model is served or written: a single tree whose classes_ disagree with its
// value width, NaN/Inf thresholds, an artifact that would not load back. The damaged files are made here
// from the checked-in scikit-learn 1.2.1 fixture dt_clf.joblib (uncompressed joblib): bytes patched, or
// the unpickled object edited before the reader interprets it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeArtifact } from '../src/cli/artifact-file.js';
import { LambdaMlError } from '../src/core/errors.js';
import { ArtifactError } from '../src/model/errors.js';
import type { FlatTree, ModelArtifact } from '../src/model/types.js';
import { loadAnyModelFile, readModelFile } from '../src/readers/load-any.js';
import { UnsupportedModelError } from '../src/sklearn/errors.js';
import { interpretEstimator } from '../src/sklearn/interpret.js';
import { unpickleFile } from '../src/sklearn/read.js';
import { NdArray, PyObject } from '../src/sklearn/values.js';
import { SKLEARN_FIXTURES_DIR } from './sklearn-fixtures.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const DT_CLF = join(SKLEARN_FIXTURES_DIR, 'dt_clf.joblib');
const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-structure-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `bytes` with the only occurrence of `from` after `after` replaced by `to` (same length). */
function patch(bytes: Buffer, after: string, from: Buffer, to: Buffer): Buffer {
  const start = bytes.indexOf(after);
  assert.ok(start >= 0, `${after} not in the fixture`);
  const at = bytes.indexOf(from, start);
  assert.ok(at >= 0, `pattern not found after ${after}`);
  const out = Buffer.from(bytes);
  to.copy(out, at);
  return out;
}

/** dt_clf.joblib with the root node's threshold (its float64 bytes) replaced by `value`. */
function rootThreshold(value: number): Buffer {
  const original = readFileSync(DT_CLF);
  const tree = (readModelFile(DT_CLF).estimator as { trees: FlatTree[] }).trees[0] as FlatTree;
  const from = Buffer.alloc(8);
  from.writeDoubleLE(tree.threshold[0] as number);
  assert.equal(original.indexOf(from), original.lastIndexOf(from), 'the root threshold bytes are unique');
  const to = Buffer.alloc(8);
  to.writeDoubleLE(value);
  return patch(original, 'nodes', from, to);
}

function write(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function refusal(run: () => unknown): LambdaMlError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof LambdaMlError, `untyped ${String(error)}`);
    return error;
  }
  assert.fail('the model was accepted');
}

/**
 * dt_clf.joblib (3 classes, int64 labels [0, 1, 2]) read by the pickle VM, with its classes_ replaced by
 * six int64 labels: the estimator then has 6 labels for trees of 3 values per node.
 */
function sixClasses(): PyObject {
  const { root } = unpickleFile(readFileSync(DT_CLF));
  assert.ok(root instanceof PyObject && root.state instanceof Map);
  const classes = root.state.get('classes_');
  assert.ok(classes instanceof NdArray);
  const bytes = new Uint8Array(new BigInt64Array([0n, 1n, 2n, 3n, 4n, 5n]).buffer);
  root.state.set('classes_', new NdArray(classes.dtype, [6], bytes, null));
  return root;
}

describe('a single DecisionTreeClassifier whose classes_ length differs from its value width', () => {
  it('is refused when read, naming classes_ and the tree', () => {
    const error = refusal(() => interpretEstimator(sixClasses()));
    assert.ok(error instanceof UnsupportedModelError, error.message);
    assert.match(
      error.message,
      /DecisionTreeClassifier\.classes_ has 6 labels but DecisionTreeClassifier\.tree_ has 3 values per node/,
    );
  });
});

describe('non-finite thresholds', () => {
  for (const value of [Number.NaN, Number.NEGATIVE_INFINITY]) {
    it(`a root threshold of ${value} is refused when read, naming the field and the node`, () => {
      const path = write(`threshold-${value}.joblib`, rootThreshold(value));
      const error = refusal(() => loadAnyModelFile(path));
      assert.match(
        error.message,
        new RegExp(`tree_: nodes\\.threshold of node 0 is ${value}; expected a finite number`),
      );
    });
  }

  it('make `convert` fail without writing anything', () => {
    const path = write('threshold-nan-cli.joblib', rootThreshold(Number.NaN));
    const out = join(dir, 'threshold-nan.json');
    const r = spawnSync(process.execPath, [CLI, 'convert', path, '--out', out], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.notEqual(r.status, 0, r.stderr);
    assert.match(r.stderr, /nodes\.threshold of node 0 is NaN/);
    assert.equal(existsSync(out), false, 'no artifact may be left behind');
  });

  it('+inf (scikit-learn: every non-missing value goes left) still loads', () => {
    const path = write('threshold-inf.joblib', rootThreshold(Number.POSITIVE_INFINITY));
    const predictor = loadAnyModelFile(path);
    assert.equal(predictor.kind, 'DecisionTreeClassifier');
  });
});

describe('an artifact is checked by loading its bytes before it is written', () => {
  const artifact = readModelFile(DT_CLF);
  const tree = (artifact.estimator as { trees: FlatTree[] }).trees[0] as FlatTree;

  const damaged: Array<[string, ModelArtifact, RegExp]> = [
    [
      'a NaN threshold',
      {
        ...artifact,
        estimator: {
          ...(artifact.estimator as object),
          trees: [{ ...tree, threshold: [Number.NaN, ...tree.threshold.slice(1)] }],
        },
      },
      /estimator\.trees\[0\]\.threshold: expected an array of \d+ finite numbers/,
    ],
    [
      'classes that disagree with the value width',
      { ...artifact, classes: [0, 1, 2, 3] },
      /estimator\.trees\[0\]\.value: expected an array of \d+ finite numbers/,
    ],
  ];
  for (const [name, bad, message] of damaged) {
    for (const encoding of ['json', 'binary'] as const) {
      it(`${name} (${encoding}): refused, and no file is written`, () => {
        const out = join(dir, `damaged.${encoding}`);
        const error = refusal(() => writeArtifact(out, bad, encoding));
        assert.ok(error instanceof ArtifactError, error.message);
        assert.match(error.message, /^not writing .*: the artifact would not load: /);
        assert.match(error.message, message);
        assert.equal(existsSync(out), false);
      });
    }
  }

  it('a sound artifact is written and its sha256 returned', () => {
    const out = join(dir, 'sound.json');
    const sha = writeArtifact(out, artifact, 'json');
    assert.match(sha, /^[0-9a-f]{64}$/);
    assert.equal(loadAnyModelFile(out).kind, 'DecisionTreeClassifier');
  });
});
