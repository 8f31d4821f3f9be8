// Every model family, read from files scikit-learn 1.2.1, 1.6.1 and 1.9.1 wrote, answers as scikit-learn did:
// labels equal; transforms, tree and boosting raw scores bit-identical; probabilities and linear outputs within
// 4 ulp (see docs/sklearn.md for which and why); per-feature missing/unknown acceptance and refusals as
// scikit-learn's; the converted artifact answers bit-identically to the file it came from.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPredictionHandler } from '../src/function/predict.js';
import {
  createPredictor,
  parseArtifact,
  parseArtifactBinary,
  serializeArtifact,
  serializeArtifactBinary,
} from '../src/model/artifact.js';
import type { EstimatorNode, FeatureValue, ModelArtifact, Predictor } from '../src/model/types.js';
import { featureAcceptsMissing } from '../src/model/types.js';
import { readSklearnFile } from '../src/sklearn/load-any.js';
import {
  type FamilyEntry,
  type FamilySet,
  familySets,
  toFeatureRow,
  ulpOf,
  ulps,
} from './sklearn-families-fixtures.js';

/** The estimator node that produces the outputs (a pipeline's final step). */
function finalNode(a: ModelArtifact): EstimatorNode {
  return a.kind === 'Pipeline' ? (a.estimator as { final: EstimatorNode }).final : a;
}

const LINEAR = new Set([
  'LogisticRegression',
  'LinearRegression',
  'Ridge',
  'Lasso',
  'ElasticNet',
  'SGDClassifier',
  'SGDRegressor',
  'LinearSVC',
  'LinearSVR',
]);

/**
 * Dot products: the 1.2.1 fixtures ran on Debian's reference BLAS (left-to-right sums, as lambda-ml), so
 * they are exact; the 1.6.1/1.9.1 wheels bundle OpenBLAS, whose kernels sum in another order. Any order
 * is within n ulp of the sum of |terms|, so that is the allowance there (4 ulp for these 5-term sums).
 */
function linearNoise(set: FamilySet, node: EstimatorNode, x: readonly FeatureValue[]): number {
  if (set.version === '1.2.1' || !LINEAR.has(node.kind)) return 0;
  const e = node.estimator as { coef: number[][]; intercept: number[] };
  let worst = 0;
  e.coef.forEach((w, k) => {
    let s = Math.abs(e.intercept[k] ?? 0);
    w.forEach((c, j) => {
      s += Math.abs(c * (x[j] as number));
    });
    worst = Math.max(worst, 4 * ulpOf(s));
  });
  return worst;
}

function near(got: number, want: number, tol: number, what: string): void {
  assert.ok(
    Math.abs(got - want) <= tol || ulps(got, want) === 0,
    `${what}: got ${got}, scikit-learn ${want} (off by ${ulps(got, want)} ulp, allowed ${tol})`,
  );
}

/** Every output of `converted` equals `direct`'s, bit for bit. */
function sameAnswers(converted: Predictor, direct: Predictor, row: FeatureValue[], where: string): void {
  assert.deepEqual(converted.predict(row), direct.predict(row), `${where}: converted predict`);
  assert.deepEqual(converted.transform?.(row), direct.transform?.(row), `${where}: converted transform`);
  const d = (p: Predictor) => Array.from(p.decisionFunction?.(row) ?? []);
  assert.deepEqual(d(converted), d(direct), `${where}: converted raw scores`);
  if (direct.task === 'classification' && direct.hasProbabilities !== false) {
    assert.deepEqual(
      Array.from(converted.predictProba(row)),
      Array.from(direct.predictProba(row)),
      `${where}: converted proba`,
    );
  }
  assert.deepEqual(converted.schema, direct.schema, `${where}: converted schema`);
}

function checkModel(set: FamilySet, m: FamilyEntry): void {
  const artifact = readSklearnFile(`${set.dir}/${m.file}`);
  const direct = createPredictor(artifact);
  const json = createPredictor(parseArtifact(serializeArtifact(artifact)));
  const binary = createPredictor(parseArtifactBinary(serializeArtifactBinary(artifact)));
  const names = direct.schema.features.map((f) => f.name);
  assert.deepEqual(names.every((n) => n === null) ? null : names, m.featureNames ?? null, 'feature names');
  const node = finalNode(artifact);
  const trees =
    node.kind.includes('Forest') || node.kind.includes('Trees') || node.kind.startsWith('DecisionTree');
  const boosting = node.kind.startsWith('GradientBoosting');
  const expLink =
    node.kind.startsWith('HistGradientBoosting') &&
    ['poisson', 'gamma'].includes((node.estimator as { loss: string }).loss);
  // scikit-learn >= 1.3 GradientBoosting multiclass: the init term log(p / gmean(p)) uses numpy's vectorised
  // exp, which on this AVX-512 machine rounds differently from glibc's in the last bit.
  const initRaw = boosting
    ? (node.estimator as { initRaw: number[]; decision?: string }).decision === 'raw' &&
      (node.classes?.length ?? 0) > 2
      ? (node.estimator as { initRaw: number[] }).initRaw
      : null
    : null;
  (m.rows ?? []).forEach((ref, i) => {
    const row = toFeatureRow(set.row(m, ref), names);
    const where = `${set.version} ${m.name} row ${i}`;
    const x = direct.transform ? direct.transform(row) : row;
    const noise = linearNoise(set, node, x);
    // The converted artifact (JSON and binary) answers bit-identically to the file it came from.
    for (const converted of [json, binary]) sameAnswers(converted, direct, row, where);
    if (m.transformed) {
      const t = direct.transform?.(row) ?? [];
      (m.transformed[i] ?? []).forEach((v, k) => {
        const got = t[k] as number;
        assert.ok(
          v === null ? Number.isNaN(got) : Object.is(got, v),
          `${where}: transformed[${k}] ${got} vs scikit-learn ${v}`,
        );
      });
    }
    const label = direct.predict(row);
    const want = m.predict?.[i];
    if (direct.task === 'classification') assert.equal(label, want, `${where}: label`);
    else
      near(label as number, want as number, expLink ? 4 * ulpOf(want as number) : noise, `${where}: value`);
    const scores = m.raw ?? m.decision;
    if (scores) {
      const d = direct.decisionFunction?.(row);
      assert.ok(d, `${where}: the model gives raw scores`);
      (scores[i] ?? []).forEach((v, k) => {
        // log(p / gmean(p)): a one-ulp change of the ratio (near 1) moves the log by about ulp(1).
        const tol = initRaw ? 2 * ulpOf(1) : noise;
        near(d[k] as number, v, tol, `${where}: raw score ${k}`);
      });
    }
    if (m.proba) {
      const p = direct.predictProba(row);
      const want = m.proba[i] ?? [];
      const top = Math.max(...want);
      want.forEach((v, k) => {
        // Trees: exact. Others: 4 ulp of the value; a binary model's 1 - p: 4 ulp of p (it inherits p's
        // rounding); plus what a linear model's decision-value allowance can move it.
        const binaryComplement = want.length === 2 && k === 0;
        const tol = trees ? 0 : 4 * ulpOf(binaryComplement ? top : v) + 2 * top * noise;
        near(p[k] as number, v, tol, `${where}: proba[${k}]`);
      });
    }
  });
  checkAcceptance(m, direct, set);
}

/** Per feature: null accepted exactly where scikit-learn predicts a row with that value missing, etc. */
function checkAcceptance(m: FamilyEntry, p: Predictor, set: FamilySet): void {
  p.schema.features.forEach((f, j) => {
    const where = `${set.version} ${m.name} feature ${j} (${f.name})`;
    assert.equal(
      featureAcceptsMissing(p.schema, f),
      m.acceptsMissing?.[j],
      `${where}: takes a missing value`,
    );
    const unknown = m.acceptsUnknown?.[j];
    if (unknown === null || unknown === undefined) return;
    if (f.kind === 'ignored') assert.equal(unknown, true, `${where}: an ignored column takes any value`);
    else assert.equal(f.acceptsUnknown ?? true, unknown, `${where}: takes an unseen category`);
  });
}

/**
 * The prediction handler (the batch path `serve`, `predict` and the function image use) answers every row as
 * a batch by position and, when the model knows its feature names, by name: labels are scikit-learn's, values
 * and probabilities are the predictor's own (checked against scikit-learn above), bit for bit.
 */
async function checkHandler(set: FamilySet, m: FamilyEntry): Promise<void> {
  const p = createPredictor(readSklearnFile(`${set.dir}/${m.file}`));
  const handle = createPredictionHandler(p);
  const names = p.schema.features.map((f) => f.name);
  const rows = (m.rows ?? []).map((ref) => set.row(m, ref));
  const asArrays = rows.map((r) => (Array.isArray(r) ? r : names.map((n) => r[n ?? ''] ?? null)));
  const want = rows.map((r, i) =>
    p.task === 'classification' ? m.predict?.[i] : p.predict(toFeatureRow(r, names)),
  );
  const where = `${set.version} ${m.name}`;
  const batches: Array<[string, unknown[]]> = [['by position', asArrays]];
  if (names.every((n) => n !== null)) {
    const asObjects = asArrays.map((r) => Object.fromEntries(names.map((n, j) => [n, r[j]])));
    batches.push(['by name', asObjects]);
  }
  const probabilities = p.task === 'classification' && p.hasProbabilities !== false;
  for (const [how, data] of batches) {
    assert.deepEqual(await handle({ data }), { statusCode: 200, body: want }, `${where}: a batch ${how}`);
    if (!probabilities) continue;
    const reply = (await handle({ data, probabilities: true })) as {
      body: { prediction: unknown; probabilities: number[] }[];
    };
    reply.body.forEach((a, i) => {
      assert.equal(a.prediction, want[i], `${where}: row ${i} ${how}, with probabilities`);
      const direct = Array.from(p.predictProba(toFeatureRow(rows[i] as never, names)));
      assert.deepEqual(a.probabilities, direct, `${where}: row ${i} ${how}, probabilities`);
    });
  }
}

async function checkRefusals(set: FamilySet, m: FamilyEntry): Promise<void> {
  const handle = createPredictionHandler(createPredictor(readSklearnFile(`${set.dir}/${m.file}`)));
  for (const { row, sklearnError } of m.refusedRows ?? []) {
    const data = set.row(m, row);
    const reply = (await handle({ data })) as { statusCode: number; body: { error?: string } };
    assert.equal(
      reply.statusCode,
      400,
      `${set.version} ${m.name}: ${JSON.stringify(data)} refused by scikit-learn (${sklearnError}) must be a 400`,
    );
    assert.match(
      reply.body.error ?? '',
      /missing|did not see|not accept/,
      `${set.version} ${m.name}: the error says why`,
    );
  }
}

for (const set of familySets()) {
  describe(`scikit-learn ${set.version} files`, () => {
    for (const family of ['trees', 'pipelines', 'hgb', 'linear'] as const) {
      it(`${family}: answers as scikit-learn on every row, by position and by name; the converted artifact answers identically`, async () => {
        const models = set.models.filter((m) => m.family === family);
        assert.ok(models.length > 0);
        for (const m of models) {
          checkModel(set, m);
          await checkHandler(set, m);
          await checkRefusals(set, m);
        }
      });
    }
  });
}
